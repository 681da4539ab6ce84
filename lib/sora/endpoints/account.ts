/** Account endpoints: profile, plan, allowance, username. */
import type { CallOptions, SoraHttp } from '../http';
import { isProPlan } from '../quota';
import {
  type MeResponse,
  MeResponseSchema,
  type NfCheckResponse,
  NfCheckResponseSchema,
  type SubscriptionsResponse,
  SubscriptionsResponseSchema,
  type UsernameCheckResponse,
  UsernameCheckResponseSchema,
  type UsernameSetResponse,
  UsernameSetResponseSchema,
} from '../schemas';

/**
 * The signed-in user: `GET /me` → `{email, username, name, …}`.
 */
export async function getMe(http: SoraHttp, opts: CallOptions = {}): Promise<MeResponse> {
  return http.request({ method: 'GET', path: '/me', schema: MeResponseSchema, ...opts });
}

/**
 * The ChatGPT subscription: `GET /billing/subscriptions` → `{data:[{plan:{id,title}, end_ts}]}`. An empty
 * `data` means the free plan. See {@link summarizePlan}.
 */
export async function getSubscriptions(
  http: SoraHttp,
  opts: CallOptions = {},
): Promise<SubscriptionsResponse> {
  return http.request({
    method: 'GET',
    path: '/billing/subscriptions',
    schema: SubscriptionsResponseSchema,
    ...opts,
  });
}

export interface PlanSummary {
  id: string;
  title: string;
  isPro: boolean;
  /** Renewal or end date, epoch ms. */
  endsAt?: number;
}

/** `end_ts` as epoch ms: RFC 3339 string, or epoch seconds / ms number. */
export function parseEndTs(endTs: string | number | null | undefined): number | undefined {
  if (typeof endTs === 'number' && Number.isFinite(endTs)) return endTs < 1e12 ? endTs * 1000 : endTs;
  if (typeof endTs === 'string' && endTs !== '') {
    if (/^\d+(\.\d+)?$/.test(endTs)) return parseEndTs(Number(endTs));
    const t = Date.parse(endTs);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

/**
 * The plan to show, from the subscriptions answer: a Pro subscription wins over others; `null` for the
 * free plan (no subscription).
 */
export function summarizePlan(res: SubscriptionsResponse): PlanSummary | null {
  const subs = (res.data ?? []).filter((s) => s.plan?.id);
  const chosen = subs.find((s) => isProPlan(s.plan?.id)) ?? subs[0];
  if (!chosen?.plan?.id) return null;
  const endsAt = parseEndTs(chosen.end_ts);
  return {
    id: chosen.plan.id,
    title: chosen.plan.title ?? chosen.plan.id,
    isPro: isProPlan(chosen.plan.id),
    ...(endsAt === undefined ? {} : { endsAt }),
  };
}

/**
 * The video allowance: `GET /nf/check` → `{rate_limit_and_credit_balance:{estimated_num_videos_remaining,
 * rate_limit_reached, access_resets_in_seconds}}`. See `toQuotaSnapshot` in `../quota`.
 */
export async function checkQuota(http: SoraHttp, opts: CallOptions = {}): Promise<NfCheckResponse> {
  return http.request({ method: 'GET', path: '/nf/check', schema: NfCheckResponseSchema, ...opts });
}

/**
 * Whether a username is free: `POST /project_y/profile/username/check` `{username}` → `{available}`.
 */
export async function checkUsername(
  http: SoraHttp,
  username: string,
  opts: CallOptions = {},
): Promise<UsernameCheckResponse> {
  return http.request({
    method: 'POST',
    path: '/project_y/profile/username/check',
    json: { username },
    schema: UsernameCheckResponseSchema,
    ...opts,
  });
}

/**
 * Sets the account's username: `POST /project_y/profile/username/set` `{username}`. The answer is
 * undocumented (any body, or none).
 */
export async function setUsername(
  http: SoraHttp,
  username: string,
  opts: CallOptions = {},
): Promise<UsernameSetResponse> {
  return http.request({
    method: 'POST',
    path: '/project_y/profile/username/set',
    json: { username },
    schema: UsernameSetResponseSchema,
    ...opts,
  });
}
