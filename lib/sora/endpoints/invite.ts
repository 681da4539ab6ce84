/** Sora 2 access: invite code, activation, redeeming a code. */
import { DEVICE_ID_COOKIE } from '../config';
import type { CallOptions, SoraHttp } from '../http';
import {
  type AnyBody,
  AnyBodySchema,
  type InviteAcceptResponse,
  InviteAcceptResponseSchema,
  type InviteMineResponse,
  InviteMineResponseSchema,
} from '../schemas';

/**
 * The account's own invite code: `GET /project_y/invite/mine` → `{invite_code, redeemed_count, total_count}`.
 */
export async function getInviteMine(http: SoraHttp, opts: CallOptions = {}): Promise<InviteMineResponse> {
  return http.request({
    method: 'GET',
    path: '/project_y/invite/mine',
    schema: InviteMineResponseSchema,
    ...opts,
  });
}

/**
 * Activates Sora 2 for the account (first use): `GET /m/bootstrap`. The answer is undocumented and
 * returned as is.
 */
export async function bootstrapSora2(http: SoraHttp, opts: CallOptions = {}): Promise<AnyBody> {
  return http.request({ method: 'GET', path: '/m/bootstrap', schema: AnyBodySchema, ...opts });
}

export interface AcceptInviteParams {
  inviteCode: string;
  /**
   * The `oai-did` device id. The reference sends it as `Cookie: oai-did=…`. Browsers silently drop a
   * `Cookie` header set by fetch, so this call also uses `credentials: 'include'`: in the extension the
   * browser sends its own `oai-did` cookie. The id given here goes as the `oai-device-id` header and as the
   * `Cookie` header (which only takes effect outside browsers: node, tests).
   */
  deviceId?: string;
}

/**
 * Redeems an invite code: `POST /project_y/invite/accept` `{invite_code}` → `{success, already_accepted}`,
 * with the browser's Sora cookies (`credentials: 'include'`).
 */
export async function acceptInvite(
  http: SoraHttp,
  params: AcceptInviteParams,
  opts: CallOptions = {},
): Promise<InviteAcceptResponse> {
  return http.request({
    method: 'POST',
    path: '/project_y/invite/accept',
    json: { invite_code: params.inviteCode.trim() },
    credentials: 'include',
    ...(params.deviceId
      ? { deviceId: params.deviceId, headers: { cookie: `${DEVICE_ID_COOKIE}=${params.deviceId}` } }
      : {}),
    schema: InviteAcceptResponseSchema,
    ...opts,
  });
}
