/** Injected faults: matching rules and what each kind answers. */
import { errors, SimHttpError } from './errors';
import { Rng } from './ids';
import { FAULT_KINDS, type Fault, type FaultSpec, type RandomFaults, REAL_FAULT_KINDS } from './types';

/** `*` matches any run of characters, `/` included; everything else is literal. */
export function globMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const re = pattern
    .split('*')
    .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${re}$`).test(value);
}

export class FaultRegistry {
  #faults: Fault[] = [];
  #next = 1;

  add(spec: FaultSpec): Fault {
    validateFault(spec);
    const fault: Fault = { ...spec, id: `fault_${this.#next++}`, matched: 0, triggered: 0 };
    this.#faults.push(fault);
    return fault;
  }

  remove(id: string): boolean {
    const before = this.#faults.length;
    this.#faults = this.#faults.filter((f) => f.id !== id);
    return this.#faults.length !== before;
  }

  clear(): void {
    this.#faults = [];
  }

  list(): Fault[] {
    return this.#faults.map((f) => ({ ...f }));
  }

  /**
   * The fault that fires for this request, if any. Every matching fault counts the request; the first one
   * past its `after` and within its `times` fires.
   */
  take(method: string, host: string, path: string, body = ''): Fault | null {
    let fired: Fault | null = null;
    for (const f of this.#faults) {
      if (f.method && f.method.toUpperCase() !== method.toUpperCase()) continue;
      if (f.host && f.host !== host) continue;
      if (!globMatch(f.path, path)) continue;
      if (f.bodyIncludes !== undefined && !body.includes(f.bodyIncludes)) continue;
      f.matched++;
      if (fired) continue;
      if (f.matched <= (f.after ?? 0)) continue;
      if (f.times !== undefined && f.triggered >= f.times) continue;
      f.triggered++;
      fired = f;
    }
    return fired ? { ...fired } : null;
  }
}

/**
 * `config.randomFaults` at work: a seeded stream of draws over the requests it matches. The stream starts
 * again whenever the setting is replaced, so the same setting over the same requests fires the same faults.
 */
export class RandomFaultSource {
  #spec: RandomFaults | null = null;
  #seen = 0;
  #rng = new Rng(0);

  /** Counts from zero again (sim reset). */
  restart(): void {
    this.#spec = null;
    this.#seen = 0;
  }

  take(spec: RandomFaults | null, method: string, host: string, path: string): Fault | null {
    if (spec !== this.#spec) {
      this.#spec = spec;
      this.#seen = 0;
      this.#rng = new Rng(spec?.seed ?? 0);
    }
    if (!spec || spec.rate <= 0) return null;
    const pattern = spec.path ?? '/backend/*';
    if ((spec.host && spec.host !== host) || !globMatch(pattern, path)) return null;
    const n = this.#seen++;
    // Two draws per request whether it fires or not, so one request's fate never shifts another's.
    const fires = this.#rng.next() < spec.rate;
    const kinds = spec.kinds?.length ? spec.kinds : REAL_FAULT_KINDS;
    const kind = kinds[this.#rng.int(kinds.length)] ?? 'server_error';
    if (!fires) return null;
    return { id: 'random', method, host, path: pattern, kind, matched: n + 1, triggered: 1 };
  }
}

export function validateRandomFaults(spec: RandomFaults | null | undefined): void {
  if (spec === null || spec === undefined) return;
  if (typeof spec.rate !== 'number' || !(spec.rate >= 0 && spec.rate <= 1)) {
    throw new TypeError('randomFaults.rate must be a number from 0 to 1');
  }
  if (typeof spec.seed !== 'number' || !Number.isFinite(spec.seed)) {
    throw new TypeError('randomFaults.seed must be a number');
  }
  for (const k of spec.kinds ?? []) {
    if (!(REAL_FAULT_KINDS as readonly string[]).includes(k)) {
      throw new TypeError(`randomFaults.kinds must be among ${REAL_FAULT_KINDS.join(', ')}`);
    }
  }
  if (spec.path !== undefined && (typeof spec.path !== 'string' || !spec.path.startsWith('/'))) {
    throw new TypeError('randomFaults.path must be a path starting with "/" (may contain *)');
  }
}

export function validateFault(spec: FaultSpec): void {
  if (!spec || typeof spec.path !== 'string' || !spec.path.startsWith('/')) {
    throw new TypeError('fault.path must be a path starting with "/" (may contain *)');
  }
  if (!(FAULT_KINDS as readonly string[]).includes(spec.kind)) {
    throw new TypeError(`fault.kind must be one of ${FAULT_KINDS.join(', ')}`);
  }
  if (spec.bodyIncludes !== undefined && (typeof spec.bodyIncludes !== 'string' || !spec.bodyIncludes)) {
    throw new TypeError('fault.bodyIncludes must be a non-empty string');
  }
  for (const k of ['status', 'delayMs', 'times', 'after', 'retryAfterSec'] as const) {
    const v = spec[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
      throw new TypeError(`fault.${k} must be a number >= 0`);
    }
  }
}

export type FaultAction =
  | { type: 'error'; error: SimHttpError }
  | { type: 'response'; response: Response; errorCode: string | null }
  | { type: 'drop' }
  | { type: 'hang' }
  /** Handled normally; the connection drops before the answer leaves. */
  | { type: 'lose_answer' }
  | { type: 'pass' };

export const CLOUDFLARE_HTML =
  '<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head><body>' +
  '<h1>sora.chatgpt.com</h1><p>Verifying you are human. This may take a few seconds.</p>' +
  '<noscript>Enable JavaScript and cookies to continue</noscript></body></html>';

/** What a fired fault answers. `ceiling` fills the too_many_concurrent message. */
export function faultAction(f: Fault, ceiling: number): FaultAction {
  const build = (e: SimHttpError): FaultAction => {
    const body = { ...e.body };
    if (f.code !== undefined) body.code = f.code;
    if (f.message !== undefined) body.message = f.message;
    if (f.param !== undefined) body.param = f.param;
    const headers = { ...e.headers };
    if (f.retryAfterSec !== undefined) headers['retry-after'] = String(f.retryAfterSec);
    return { type: 'error', error: new SimHttpError(f.status ?? e.status, body, headers) };
  };
  switch (f.kind) {
    case 'token_expired':
      return build(errors.tokenExpired());
    case 'token_invalidated':
      return build(errors.tokenInvalidated());
    case 'sentinel_block':
      return build(errors.sentinelBlock());
    case 'too_many_concurrent':
      return build(errors.tooManyConcurrent(ceiling));
    case 'rate_limit_exhausted':
      return build(errors.rateLimitExhausted());
    case 'rate_limited':
      return build(errors.rateLimited(f.retryAfterSec ?? 30));
    case 'heavy_load':
      return build(errors.heavyLoad());
    case 'server_error':
      return build(errors.serverError());
    case 'unsupported_country':
      return build(errors.unsupportedCountry(f.param ?? 'XX'));
    case 'status': {
      const status = f.status ?? 500;
      return build(
        status >= 500
          ? new SimHttpError(status, { ...errors.serverError().body })
          : new SimHttpError(status, {
              message: 'Request failed.',
              type: 'invalid_request_error',
              param: null,
              code: null,
            }),
      );
    }
    case 'cloudflare':
      return {
        type: 'response',
        errorCode: 'cloudflare',
        response: new Response(CLOUDFLARE_HTML, {
          status: f.status ?? 403,
          headers: {
            'content-type': 'text/html; charset=UTF-8',
            'cf-mitigated': 'challenge',
            server: 'cloudflare',
            'cf-ray': '8f00000000000000-SIM',
          },
        }),
      };
    case 'malformed_json':
      return {
        type: 'response',
        errorCode: null,
        response: new Response('{"rate_limit_and_credit_balance":{"estimated_num_videos_remaining":', {
          status: f.status ?? 200,
          headers: { 'content-type': 'application/json' },
        }),
      };
    case 'drop':
      return { type: 'drop' };
    case 'hang':
      return { type: 'hang' };
    case 'answer_lost':
      return { type: 'lose_answer' };
    case 'delay':
      return { type: 'pass' };
  }
}
