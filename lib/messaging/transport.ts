/**
 * The typed message layer between extension pages and the background, over `runtime.sendMessage`.
 *
 * Only this extension's own pages may ask or tell anything: content scripts run inside sora.chatgpt.com and
 * are treated like the web page they live in. Listeners answer synchronously with `undefined` for messages
 * that are not theirs, because a listener that returns a promise answers the message (webextension-polyfill
 * and Firefox alike), and an early `undefined` answer would beat the real one.
 */
import { type Browser, browser } from 'wxt/browser';
import { type SerializedError, SoraError, toSerializedError } from '../sora/errors';
import type {
  EventEnvelope,
  EventName,
  Events,
  RequestEnvelope,
  RequestName,
  RequestOf,
  ResponseEnvelope,
  ResponseOf,
} from './protocol';

const CHANNEL = 'companion';

export type MessageSender = Browser.runtime.MessageSender;

/**
 * An `{ok:false}` answer, rethrown on the asking side. It is a SoraError so `isSoraError`,
 * `toSerializedError` and code branching work the same on both sides of the boundary.
 */
export class MessageError extends SoraError {
  constructor(error: SerializedError) {
    super(error.code, error.message, {
      status: error.status,
      param: error.param,
      retryAfterMs: error.retryAfterMs,
      local: error.local,
    });
    this.name = 'MessageError';
  }
}

// ---------------------------------------------------------------------------------------------------------
// Sender trust

/** WXT types `getURL` through generated path types that do not merge here; the runtime call is plain. */
type GetUrl = (path: string) => string;

/**
 * `scheme://host` of a URL. Not `URL.origin`: for non-special schemes such as chrome-extension: it is the
 * opaque "null" in some engines, which would make every extension origin equal.
 */
function originOf(url: string | undefined): string | undefined {
  if (url === undefined || url === '') return undefined;
  try {
    const u = new URL(url);
    return u.host === '' ? undefined : `${u.protocol}//${u.host}`.toLowerCase();
  } catch {
    return undefined;
  }
}

function extensionOrigin(): string | undefined {
  const runtime = browser.runtime as unknown as { getURL: GetUrl };
  return originOf(runtime.getURL('/'));
}

/**
 * Whether a message comes from this extension's own pages (popup, side panel, options, the background).
 * Refused: other extensions, content scripts (their URL is the web page's), and extension frames inside a
 * foreign tab. When the browser hides the tab's URL (no `tabs` permission), the sender URL alone decides;
 * our pages are not web-accessible, so no web page can frame them.
 */
export function isTrustedSender(sender: MessageSender | undefined): boolean {
  if (sender === undefined || sender.id === undefined || sender.id !== browser.runtime.id) return false;
  const origin = extensionOrigin();
  if (origin === undefined || originOf(sender.url) !== origin) return false;
  if (sender.origin !== undefined && sender.origin.toLowerCase() !== origin) return false;
  const tabUrl = sender.tab?.url || sender.tab?.pendingUrl;
  if (tabUrl && originOf(tabUrl) !== origin) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// Envelopes

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function isRequestEnvelope(v: unknown): v is RequestEnvelope {
  return isObject(v) && v.channel === CHANNEL && v.kind === 'request' && typeof v.name === 'string';
}

function isEventEnvelope(v: unknown): v is EventEnvelope {
  return isObject(v) && v.channel === CHANNEL && v.kind === 'event' && typeof v.name === 'string';
}

function isResponseEnvelope(v: unknown): v is ResponseEnvelope<unknown> {
  if (!isObject(v)) return false;
  if (v.ok === true) return true;
  return v.ok === false && isObject(v.error) && typeof v.error.code === 'string';
}

// ---------------------------------------------------------------------------------------------------------
// Requests

export interface HandlerContext {
  sender: MessageSender;
}

export type Handler<K extends RequestName> = (
  req: RequestOf<K>,
  ctx: HandlerContext,
) => Promise<ResponseOf<K>> | ResponseOf<K>;

/**
 * A handler for every request of the protocol: a request added to `Protocol` without one fails to compile
 * where the background serves (lib/background/features.ts builds it from the features' shares).
 */
export type Handlers = { [K in RequestName]: Handler<K> };

/** One feature's share of `Handlers` (checked with `satisfies`, so its own keys stay in its type). */
export type PartialHandlers = { [K in RequestName]?: Handler<K> };

export interface ServeOptions {
  /** Runs on every message from a trusted sender, before it is handled (the background resumes its engine). */
  onAnyMessage?: () => void;
}

export const REFUSED: SerializedError = { code: 'bad_request', message: 'Refused: not an extension page' };

/**
 * The `runtime.onMessage` listener behind `serve`, exported so tests can call it with a crafted sender.
 * Returns `undefined` (synchronously) for anything it does not answer, so other listeners may.
 */
export function createDispatcher(
  handlers: PartialHandlers,
  opts: ServeOptions = {},
): (message: unknown, sender: MessageSender) => Promise<ResponseEnvelope<unknown>> | undefined {
  return (message, sender) => {
    if (!isRequestEnvelope(message)) return undefined;
    if (!isTrustedSender(sender)) return Promise.resolve({ ok: false, error: REFUSED });
    try {
      opts.onAnyMessage?.();
    } catch (e) {
      console.error('onAnyMessage failed', e instanceof Error ? e.message : e);
    }
    // Own-property lookup: a name like 'toString' must not reach Object.prototype.
    if (!Object.hasOwn(handlers, message.name)) return undefined;
    const handler = handlers[message.name] as Handler<RequestName> | undefined;
    if (handler === undefined) return undefined;
    return (async (): Promise<ResponseEnvelope<unknown>> => {
      try {
        return { ok: true, value: await handler(message.req, { sender }) };
      } catch (e) {
        return { ok: false, error: toSerializedError(e) };
      }
    })();
  };
}

/** Registers one `runtime.onMessage` listener for `handlers`; returns an unsubscribe. */
export function serve(handlers: Handlers, opts: ServeOptions = {}): () => void {
  const listener = createDispatcher(handlers, opts);
  browser.runtime.onMessage.addListener(listener);
  return () => browser.runtime.onMessage.removeListener(listener);
}

export interface SendOptions {
  /** Extra tries when nobody answers (background starting or restarting). Default 2. */
  retries?: number;
  /** Wait before the n-th retry is n × this. Default 150 ms. */
  retryDelayMs?: number;
}

const NO_RECEIVER = /receiving end does not exist|could not establish connection|no listeners available/i;

function isNoReceiver(e: unknown): boolean {
  return NO_RECEIVER.test(e instanceof Error ? e.message : String(e));
}

const unavailable = () =>
  new MessageError({ code: 'network', message: 'The extension background is not available. Try again.' });

/**
 * Asks the background. Resolves with the handler's value; rejects with a `MessageError` carrying the
 * handler's error code, or code 'network' when no one answered after the retries.
 *
 * A retry happens only when no answer came at all. If the background died mid-request the handler may have
 * run, so requests with effects should carry their own id to make a repeat harmless.
 */
export async function send<K extends RequestName>(
  name: K,
  req: RequestOf<K>,
  opts: SendOptions = {},
): Promise<ResponseOf<K>> {
  const retries = opts.retries ?? 2;
  const delayMs = opts.retryDelayMs ?? 150;
  const envelope: RequestEnvelope<K> = { channel: CHANNEL, kind: 'request', name, req };
  for (let attempt = 0; ; attempt++) {
    let answer: unknown;
    try {
      answer = await browser.runtime.sendMessage(envelope);
    } catch (e) {
      if (!isNoReceiver(e)) {
        throw new MessageError({ code: 'network', message: e instanceof Error ? e.message : String(e) });
      }
      answer = undefined;
    }
    if (answer !== undefined) {
      if (!isResponseEnvelope(answer)) {
        throw new MessageError({ code: 'bad_response', message: `Unexpected answer to ${name}.` });
      }
      if (answer.ok) return answer.value as ResponseOf<K>;
      throw new MessageError(answer.error);
    }
    if (attempt >= retries) throw unavailable();
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs * (attempt + 1)));
  }
}

// ---------------------------------------------------------------------------------------------------------
// Events

/**
 * Broadcasts to open extension pages. Having no page open is normal and not an error; the background does
 * not receive its own broadcasts.
 */
export async function emit<K extends EventName>(name: K, payload: Events[K]): Promise<void> {
  const envelope: EventEnvelope<K> = { channel: CHANNEL, kind: 'event', name, payload };
  try {
    await browser.runtime.sendMessage(envelope);
  } catch (e) {
    if (!isNoReceiver(e)) throw e;
  }
}

/** Follows one event in a page; returns an unsubscribe. Events from untrusted senders are dropped. */
export function listen<K extends EventName>(name: K, callback: (payload: Events[K]) => void): () => void {
  const listener = (message: unknown, sender: MessageSender): undefined => {
    if (!isEventEnvelope(message) || message.name !== name || !isTrustedSender(sender)) return undefined;
    try {
      callback(message.payload as Events[K]);
    } catch (e) {
      console.error(`listener for ${name} failed`, e instanceof Error ? e.message : e);
    }
    return undefined;
  };
  browser.runtime.onMessage.addListener(listener);
  return () => browser.runtime.onMessage.removeListener(listener);
}
