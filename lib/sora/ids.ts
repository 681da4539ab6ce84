/**
 * Sora ids (see NOTES.md): task `task_…`, generation `gen_…`, post / remix target `s_` + 32 hex (also inside
 * `https://sora.chatgpt.com/p/s_…`), character `ch_` + 32 hex, cameo `cameo_…`. Plus reading the claims of
 * an access token (never verified here: that is Sora's job).
 */
import { SORA_ORIGIN } from './config';

const POST_ID = /^s_[0-9a-f]{32}$/;
const TASK_ID = /^task_[A-Za-z0-9]{6,64}$/;
const GENERATION_ID = /^gen_[A-Za-z0-9]+$/;
const CHARACTER_ID = /^ch_[0-9a-f]{32}$/;
const CAMEO_ID = /^cameo_[A-Za-z0-9_-]+$/;

export const isPostId = (s: unknown): s is string => typeof s === 'string' && POST_ID.test(s);
/** `task_01…` (a ULID-style suffix; the length is not enforced strictly). */
export const isTaskId = (s: unknown): s is string => typeof s === 'string' && TASK_ID.test(s);
export const isGenerationId = (s: unknown): s is string => typeof s === 'string' && GENERATION_ID.test(s);
export const isCharacterId = (s: unknown): s is string => typeof s === 'string' && CHARACTER_ID.test(s);
export const isCameoId = (s: unknown): s is string => typeof s === 'string' && CAMEO_ID.test(s);

const SORA_HOST = new URL(SORA_ORIGIN).host;

/**
 * The post id (`s_` + 32 hex) from a bare id or a share link `https://sora.chatgpt.com/p/s_…` (query, hash
 * and a trailing slash allowed; `http:` and `www.` tolerated). `null` when the input is neither.
 */
export function parsePostId(input: string): string | null {
  const s = input.trim();
  if (isPostId(s)) return s;
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const host = url.host.replace(/^www\./, '');
  if (host !== SORA_HOST) return null;
  const m = url.pathname.match(/^\/p\/(s_[0-9a-f]{32})\/?$/);
  return m?.[1] ?? null;
}

export interface JwtClaims {
  /** Expiry, epoch seconds. */
  exp?: number;
  /** From the `https://api.openai.com/profile` claim, else a top-level `email`. */
  email?: string;
}

const PROFILE_CLAIM = 'https://api.openai.com/profile';

function base64UrlDecode(segment: string): string {
  const b64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/**
 * Reads `exp` and the email from a JWT's payload without verifying it. `null` when the token is not a
 * readable JWT.
 */
export function decodeJwtPayload(token: string): JwtClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(base64UrlDecode(parts[1]));
  } catch {
    return null;
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null;
  const p = payload as Record<string, unknown>;
  const claims: JwtClaims = {};
  if (typeof p.exp === 'number' && Number.isFinite(p.exp)) claims.exp = p.exp;
  const profile = p[PROFILE_CLAIM];
  const profileEmail =
    typeof profile === 'object' && profile !== null ? (profile as Record<string, unknown>).email : undefined;
  if (typeof profileEmail === 'string' && profileEmail !== '') claims.email = profileEmail;
  else if (typeof p.email === 'string' && p.email !== '') claims.email = p.email;
  return claims;
}

/** Epoch ms when the token expires, or `undefined` when it has no readable `exp`. */
export function jwtExpiresAt(token: string): number | undefined {
  const exp = decodeJwtPayload(token)?.exp;
  return exp === undefined ? undefined : exp * 1000;
}
