/**
 * The messages of the page-sentinel path, in both hops:
 *
 *   background ──tabs.sendMessage {type, flow, deviceId, nonce}──► isolated content script
 *     ──window.postMessage {channel, kind:'request', flow, deviceId, nonce}──► MAIN-world script ──► page SDK
 *   and the token back the same way, tagged with the same nonce.
 *
 * Only a flow name, the device id (the page's own `oai-did` cookie, which the SDK is given by the Sora app
 * too) and a nonce ever travel towards the page; the access token and account data never do.
 * Everything arriving from the page is page-controlled, so every shape is checked, and the token is only
 * ever used as a header value.
 */

export const SENTINEL_TOKEN_REQUEST = 'companion.sentinelToken';
export const WINDOW_CHANNEL = 'companion.sentinel';

const FLOW = /^[A-Za-z0-9_.-]{1,64}$/;
/** The `oai-did` cookie is a uuid; our fallback id is one too. Empty when unknown. */
const DEVICE_ID = /^(?:[A-Za-z0-9-]{8,64})?$/;
const NONCE = /^[A-Za-z0-9]{16,64}$/;
/** Printable ASCII only (a header value); real tokens are JSON of a few KB. */
const TOKEN = /^[\x20-\x7e]{1,16384}$/;
const ERROR_CODE = /^[a-z_]{1,32}$/;

export const isFlowName = (s: unknown): s is string => typeof s === 'string' && FLOW.test(s);
export const isDeviceId = (s: unknown): s is string => typeof s === 'string' && DEVICE_ID.test(s);
export const isNonce = (s: unknown): s is string => typeof s === 'string' && NONCE.test(s);
export const isTokenValue = (s: unknown): s is string => typeof s === 'string' && TOKEN.test(s);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function hasExactKeys(v: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(v);
  return own.length === keys.length && keys.every((k) => Object.hasOwn(v, k));
}

// ---------------------------------------------------------------------------------------------------------
// background ⇄ isolated content script

export interface SentinelTokenRequest {
  type: typeof SENTINEL_TOKEN_REQUEST;
  flow: string;
  deviceId: string;
  nonce: string;
}

export type SentinelTokenAnswer = { nonce: string; token: string } | { nonce: string; error: string };

export const sentinelTokenRequest = (
  flow: string,
  deviceId: string,
  nonce: string,
): SentinelTokenRequest => ({
  type: SENTINEL_TOKEN_REQUEST,
  flow,
  deviceId,
  nonce,
});

export function isSentinelTokenRequest(m: unknown): m is SentinelTokenRequest {
  return (
    isRecord(m) &&
    hasExactKeys(m, ['type', 'flow', 'deviceId', 'nonce']) &&
    m.type === SENTINEL_TOKEN_REQUEST &&
    isFlowName(m.flow) &&
    isDeviceId(m.deviceId) &&
    isNonce(m.nonce)
  );
}

/** The token in an answer to the request tagged `nonce`; `null` for errors, other nonces and junk. */
export function readTokenAnswer(answer: unknown, nonce: string): string | null {
  if (!isRecord(answer) || answer.nonce !== nonce) return null;
  return isTokenValue(answer.token) ? answer.token : null;
}

// ---------------------------------------------------------------------------------------------------------
// isolated content script ⇄ MAIN world (window.postMessage; the page sees these too)

export interface WindowRequest {
  channel: typeof WINDOW_CHANNEL;
  kind: 'request';
  flow: string;
  deviceId: string;
  nonce: string;
}

export interface WindowAnswer {
  channel: typeof WINDOW_CHANNEL;
  kind: 'answer';
  nonce: string;
  token?: string;
  error?: string;
}

export function readWindowRequest(data: unknown): WindowRequest | null {
  if (!isRecord(data) || data.channel !== WINDOW_CHANNEL || data.kind !== 'request') return null;
  if (!isFlowName(data.flow) || !isNonce(data.nonce) || !isDeviceId(data.deviceId)) return null;
  return {
    channel: WINDOW_CHANNEL,
    kind: 'request',
    flow: data.flow,
    deviceId: data.deviceId,
    nonce: data.nonce,
  };
}

export function readWindowAnswer(data: unknown): WindowAnswer | null {
  if (!isRecord(data) || data.channel !== WINDOW_CHANNEL || data.kind !== 'answer') return null;
  if (!isNonce(data.nonce)) return null;
  if (isTokenValue(data.token))
    return { channel: WINDOW_CHANNEL, kind: 'answer', nonce: data.nonce, token: data.token };
  const error = typeof data.error === 'string' && ERROR_CODE.test(data.error) ? data.error : 'no_token';
  return { channel: WINDOW_CHANNEL, kind: 'answer', nonce: data.nonce, error };
}

/** A `message` event between the two worlds of one page: same window, same origin. */
export interface WindowMessageEventLike {
  data: unknown;
  origin: string;
  source: unknown;
}

/** The window members both sides use; the real `window` satisfies it, tests pass a fake. */
export interface WindowLike {
  readonly location: { readonly origin: string };
  postMessage(message: unknown, targetOrigin: string): void;
  addEventListener(type: 'message', listener: (event: WindowMessageEventLike) => void): void;
  removeEventListener(type: 'message', listener: (event: WindowMessageEventLike) => void): void;
}

/** Whether an event was posted by this very window (either world) for this origin. */
export const isOwnWindowMessage = (win: WindowLike, e: WindowMessageEventLike): boolean =>
  e.source === win && e.origin === win.location.origin;
