/** The request log and the counters behind `/__sim/stats`. */
import { DEVICE_ID_COOKIE, parseCookies } from './auth';
import { globMatch } from './faults';
import type { LogEntry, LogFilter, MultipartSummary, SimStats } from './types';

const RAW_BODY_LIMIT = 64 * 1024;

export type CreateKind = 'video' | 'storyboard' | 'image' | 'extend';

export class RequestLog {
  #entries: LogEntry[] = [];
  #seq = 0;
  #limit: number;
  counters = newCounters();

  constructor(limit: number) {
    this.#limit = limit;
  }

  setLimit(limit: number): void {
    this.#limit = Math.max(1, limit);
    this.#trim();
  }

  /** Records the request's envelope and body; the entry is then completed in place. */
  async begin(req: Request, url: URL, simTime: number): Promise<LogEntry> {
    const cookies = parseCookies(req.headers.get('cookie'));
    const auth = req.headers.get('authorization') ?? '';
    const entry: LogEntry = {
      seq: ++this.#seq,
      realTime: Date.now(),
      simTime,
      method: req.method,
      host: url.hostname,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      outcome: 'pending',
      durationMs: 0,
      hasBearer: /^bearer\s+\S/i.test(auth),
      user: null,
      sentinel: req.headers.get('openai-sentinel-token'),
      sentinelSource: null,
      deviceId: req.headers.get('oai-device-id'),
      deviceIdCookie: cookies[DEVICE_ID_COOKIE] ?? null,
      cookies: Object.keys(cookies),
      contentType: req.headers.get('content-type'),
    };
    await captureBody(entry, req);
    this.#entries.push(entry);
    this.#trim();
    this.counters.requests++;
    const route = routeKey(req.method, url.hostname, url.pathname);
    this.counters.byRoute[route] = (this.counters.byRoute[route] ?? 0) + 1;
    return entry;
  }

  finish(entry: LogEntry, status: number, outcome: LogEntry['outcome']): void {
    entry.status = status;
    entry.outcome = outcome;
    entry.durationMs = Date.now() - entry.realTime;
    const key = outcome === 'response' ? String(status) : outcome;
    this.counters.byStatus[key] = (this.counters.byStatus[key] ?? 0) + 1;
  }

  countCreate(kind: CreateKind, accepted: boolean, code?: string | null): void {
    const c = this.counters.creates;
    c[kind]++;
    if (accepted) c.accepted++;
    else {
      c.rejected++;
      const k = code ?? 'unknown';
      c.rejectedByCode[k] = (c.rejectedByCode[k] ?? 0) + 1;
    }
  }

  observeConcurrency(email: string, active: number): void {
    const c = this.counters;
    c.maxConcurrentObserved = Math.max(c.maxConcurrentObserved, active);
    c.maxConcurrentByUser[email] = Math.max(c.maxConcurrentByUser[email] ?? 0, active);
  }

  entries(filter: LogFilter = {}): LogEntry[] {
    let out = this.#entries.filter(
      (e) =>
        (filter.since === undefined || e.seq > filter.since) &&
        (!filter.method || e.method.toUpperCase() === filter.method.toUpperCase()) &&
        (!filter.host || e.host === filter.host) &&
        (!filter.path || globMatch(filter.path, e.path)),
    );
    if (filter.limit !== undefined) out = out.slice(-Math.max(0, filter.limit));
    return out;
  }

  clear(): void {
    this.#entries = [];
  }

  /** Clears entries and counters; sequence numbers keep growing so `since` cursors stay valid. */
  reset(): void {
    this.#entries = [];
    this.counters = newCounters();
  }

  #trim(): void {
    if (this.#entries.length > this.#limit) this.#entries.splice(0, this.#entries.length - this.#limit);
  }
}

type Counters = Omit<SimStats, 'tasks'>;

function newCounters(): Counters {
  return {
    requests: 0,
    byRoute: {},
    byStatus: {},
    creates: { video: 0, storyboard: 0, image: 0, extend: 0, accepted: 0, rejected: 0, rejectedByCode: {} },
    maxConcurrentObserved: 0,
    maxConcurrentByUser: {},
    faultsTriggered: 0,
    randomFaultsByKind: {},
  };
}

/** Ids vary per request; the route key must not. */
export function routeKey(method: string, host: string, path: string): string {
  const normalized = path
    .replace(/\/(?:s|gen|task|cameo|ch|upload|user)[_-][A-Za-z0-9]+/g, '/:id')
    .replace(/^\/(vg-assets|az)\/.*/, '/$1/*');
  return `${method.toUpperCase()} ${host}${normalized}`;
}

/** The text a fault's `bodyIncludes` looks in: the body as sent, or a multipart body's fields and file names. */
export function bodyText(e: LogEntry): string {
  if (e.multipart) {
    return [...Object.values(e.multipart.fields), ...e.multipart.files.map((f) => f.name)].join('\n');
  }
  return e.rawBody ?? '';
}

/**
 * Whether the backend itself handled the request: no fault, or one that lets it through (`delay`) or only
 * loses the answer afterwards (`answer_lost`). A 200 a fault made up (`malformed_json`) is not the backend's.
 */
export function reachedBackend(e: LogEntry): boolean {
  return !e.fault || e.fault.kind === 'delay' || e.fault.kind === 'answer_lost';
}

async function captureBody(entry: LogEntry, req: Request): Promise<void> {
  if (req.method === 'GET' || req.method === 'HEAD' || !req.body) return;
  const type = (entry.contentType ?? '').toLowerCase();
  try {
    if (type.startsWith('multipart/form-data')) {
      entry.multipart = await summarizeMultipart(req.clone());
      return;
    }
    const text = await req.clone().text();
    entry.rawBody = text.length > RAW_BODY_LIMIT ? text.slice(0, RAW_BODY_LIMIT) : text;
    if (type.includes('application/x-www-form-urlencoded')) {
      entry.body = Object.fromEntries(new URLSearchParams(text));
    } else if (text) {
      try {
        entry.body = JSON.parse(text);
      } catch {
        // Not JSON: rawBody is all there is, and the handler answers invalid_json.
      }
    }
  } catch {
    // A body we cannot read here is the handler's problem to report, not the log's.
  }
}

async function summarizeMultipart(req: Request): Promise<MultipartSummary> {
  const form = await req.formData();
  const summary: MultipartSummary = { fields: {}, files: [] };
  for (const [field, value] of form.entries()) {
    if (typeof value === 'string') summary.fields[field] = value.slice(0, 1000);
    else summary.files.push({ field, name: value.name, type: value.type, size: value.size });
  }
  return summary;
}
