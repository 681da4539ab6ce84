/**
 * Getting an access token. These two calls do not go through the Bearer core: the session call is
 * authenticated by the browser's Sora cookies, the OAuth call by the refresh token in its body.
 */
import {
  DEFAULT_TIMEOUT_MS,
  OAUTH_CLIENT_ID,
  OAUTH_REDIRECT_URI,
  OAUTH_TOKEN_URL,
  SESSION_URL,
} from '../config';
import { classifyError, serviceUnavailable } from '../error-map';
import { SoraError } from '../errors';
import { type CallOptions, type FetchFn, parseSuccess, type Reachability, timedFetch } from '../http';
import { redactSecrets } from '../redact';
import { OAuthTokenResponseSchema, SessionResponseSchema } from '../schemas';

export interface SessionInfo {
  /** Absent when the browser is logged out (Sora answers `{}`). */
  accessToken?: string;
  user?: { email?: string; name?: string; image?: string };
  /** When the session (not the AT) ends, as Sora sent it (RFC 3339). */
  expires?: string;
}

export interface FetchSessionOptions extends CallOptions {
  /**
   * A `Cookie` header to send. Only for node (tests, tools): browsers forbid setting it and send their own
   * cookies thanks to `credentials: 'include'`.
   */
  cookieHeader?: string;
  /** The request core's, so a dropped session read and a dropped API call count as one run. */
  reachability?: Reachability;
}

const defined = <T extends Record<string, unknown>>(o: T): T =>
  Object.fromEntries(
    Object.entries(o).filter(([, val]) => val !== undefined && val !== null && val !== ''),
  ) as T;

/**
 * Reads the session: `GET https://sora.chatgpt.com/api/auth/session` with `credentials: 'include'`.
 * Resolves `{}` when logged out. A page that is not next-auth's JSON (404, 410, HTML, a redirect) is NOT
 * logged out: it is 'service_unavailable' (NOTES.md "Service status"), and the login state is kept.
 *
 * @throws SoraError 'cloudflare_challenge' | 'server_error' | 'network' | 'timeout' | 'aborted' | 'bad_response'
 *   | 'service_unavailable'
 */
export async function fetchSession(fetchFn: FetchFn, opts: FetchSessionOptions = {}): Promise<SessionInfo> {
  const headers = new Headers({ accept: 'application/json' });
  if (opts.cookieHeader) headers.set('cookie', opts.cookieHeader);
  const what = 'GET /api/auth/session';
  const answer = await timedFetch(
    fetchFn,
    SESSION_URL,
    { method: 'GET', headers, credentials: 'include' },
    {
      timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      signal: opts.signal,
      what,
      ...(opts.reachability ? { reachability: opts.reachability } : {}),
    },
  );
  if (answer.status < 200 || answer.status >= 300) {
    const { kind, error } = classifyError(answer, { now: Date.now(), redact: (s) => s, what });
    if (kind === 'auth') return {};
    // The session endpoint has no items: any 404 here means the site no longer serves it.
    if (error.code === 'not_found') {
      throw serviceUnavailable({ kind: 'status', status: answer.status, what });
    }
    throw error;
  }
  const body = parseSuccess(answer, SessionResponseSchema, what);
  const user = body.user
    ? defined({ email: body.user.email, name: body.user.name, image: body.user.image })
    : {};
  return defined({
    accessToken: body.accessToken ?? undefined,
    user: Object.keys(user).length > 0 ? (user as SessionInfo['user']) : undefined,
    expires: body.expires ?? undefined,
  }) as SessionInfo;
}

export interface RefreshTokenResult {
  accessToken: string;
  /** A rotated refresh token, when the server sent one: store it instead of the old one. */
  refreshToken?: string;
  expiresIn?: number;
}

/**
 * Exchanges a refresh token for an access token: `POST https://auth.openai.com/oauth/token`
 * `{client_id, grant_type: "refresh_token", redirect_uri, refresh_token}`.
 *
 * @throws SoraError 'auth_expired' when the refresh token is refused (400 / 401 / 403 `invalid_grant` …),
 *   else the usual mapping.
 */
export async function exchangeRefreshToken(
  fetchFn: FetchFn,
  refreshToken: string,
  opts: CallOptions = {},
): Promise<RefreshTokenResult> {
  const what = 'POST /oauth/token';
  const answer = await timedFetch(
    fetchFn,
    OAUTH_TOKEN_URL,
    {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: OAUTH_CLIENT_ID,
        grant_type: 'refresh_token',
        redirect_uri: OAUTH_REDIRECT_URI,
        refresh_token: refreshToken,
      }),
    },
    { timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, signal: opts.signal, what },
  );
  if (answer.status < 200 || answer.status >= 300) {
    const redact = (s: string) => redactSecrets(s, [refreshToken]);
    const { error } = classifyError(answer, { now: Date.now(), redact, what });
    // OAuth refuses a dead refresh token with 400 invalid_grant (sometimes 401 / 403).
    const refused =
      answer.status === 400 ||
      answer.status === 401 ||
      (answer.status === 403 && error.serverCode === 'invalid_grant');
    if (refused && error.code !== 'cloudflare_challenge') {
      throw new SoraError('auth_expired', 'The refresh token was refused. Log in again.', {
        status: answer.status,
        serverCode: error.serverCode,
      });
    }
    throw error;
  }
  const body = parseSuccess(answer, OAuthTokenResponseSchema, what);
  return {
    accessToken: body.access_token,
    ...(body.refresh_token ? { refreshToken: body.refresh_token } : {}),
    ...(typeof body.expires_in === 'number' ? { expiresIn: body.expires_in } : {}),
  };
}
