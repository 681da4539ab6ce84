/** Access tokens (HS256 JWTs with a per-sim secret) and the next-auth session cookie, plain or chunked. */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = '__Secure-next-auth.session-token';
export const DEVICE_ID_COOKIE = 'oai-did';
export const PROFILE_CLAIM = 'https://api.openai.com/profile';
export const AUTH_CLAIM = 'https://api.openai.com/auth';
/** The ChatGPT iOS client id the reference uses for the refresh-token grant. */
export const OAUTH_CLIENT_ID = 'app_LlGpXReQgckcGGUo2JrYvtJK';

export interface AccessClaims {
  sub: string;
  exp: number;
  iat: number;
  jti: string;
  /** Bumped by "invalidate tokens": a token minted under an older epoch is `token_invalidated`. */
  sim_epoch: number;
  [PROFILE_CLAIM]: { email: string; email_verified: boolean };
  [key: string]: unknown;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function signJwt(payload: Record<string, unknown>, secret: string): string {
  const head = `${b64({ alg: 'HS256', typ: 'JWT', kid: 'sora-sim' })}.${b64(payload)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

export function verifyJwt(token: string, secret: string): AccessClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [h, p, s] = parts as [string, string, string];
  const want = Buffer.from(createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url'));
  const got = Buffer.from(s);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return null;
  try {
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Partial<AccessClaims>;
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return null;
    return claims as AccessClaims;
  } catch {
    return null;
  }
}

/** Parses a `cookie` request header (first value of a name wins, as browsers send the most specific first). */
export function parseCookies(header: string | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name || name in out) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      out[name] = decodeURIComponent(raw);
    } catch {
      out[name] = raw;
    }
  }
  return out;
}

/** The session token from the plain cookie, or joined from next-auth chunks `.0`, `.1`, … in order. */
export function sessionTokenFromCookies(cookies: Record<string, string>): string | null {
  const plain = cookies[SESSION_COOKIE];
  if (plain) return plain;
  let joined = '';
  for (let i = 0; ; i++) {
    const chunk = cookies[`${SESSION_COOKIE}.${i}`];
    if (chunk === undefined) break;
    joined += chunk;
  }
  return joined || null;
}

/** The cookies that carry `token`: one, or two chunks (real next-auth splits at ~4 KB; two is enough here). */
export function sessionCookies(token: string, chunked: boolean): { name: string; value: string }[] {
  if (!chunked) return [{ name: SESSION_COOKIE, value: token }];
  const half = Math.ceil(token.length / 2);
  return [
    { name: `${SESSION_COOKIE}.0`, value: token.slice(0, half) },
    { name: `${SESSION_COOKIE}.1`, value: token.slice(half) },
  ];
}

export function setCookieHeader(
  name: string,
  value: string,
  opts: { maxAgeSec?: number; expires?: Date; httpOnly?: boolean },
): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'Secure', 'SameSite=Lax'];
  if (opts.httpOnly) parts.push('HttpOnly');
  if (opts.maxAgeSec !== undefined) parts.push(`Max-Age=${opts.maxAgeSec}`);
  if (opts.expires) parts.push(`Expires=${opts.expires.toUTCString()}`);
  return parts.join('; ');
}
