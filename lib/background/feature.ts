/**
 * The shape of a feature's background part, and how the background runs the list of them (./features.ts).
 *
 * `create(ctx)` only builds: it registers no listener and starts nothing, so a test can build every part.
 * Then, synchronously in the worker's main() (so the event that woke the worker is seen), the background
 *   - serves the union of the parts' `handlers`: one per protocol request, tsc fails on a missing one;
 *   - hands each alarm to the part that owns its name (`alarms`);
 *   - calls every `start()` once per worker life (a part's own listeners: downloads, menus, settings);
 *   - calls every `wake()` on each wake-up: this start, the browser's start, an install or update, and any
 *     message from a page (a stopped worker keeps nothing in memory, so each wake-up resumes from storage);
 *   - delivers signals (`on`): what one part learns that others act on (the account's allowance came back,
 *     Sora answers again, a login), so no part calls another and the entrypoint holds no policy.
 */
import { browser } from 'wxt/browser';
import type { AccountSnapshot } from '../account/snapshot';
import type { AuthState } from '../auth';
import type { EventName, RequestName } from '../messaging/protocol';
import { type Handler, type Handlers, type PartialHandlers, serve } from '../messaging/transport';
import type { ServiceStatus } from '../service-status/status';
import type { SoraHttp } from '../sora/http';
import type { Services } from './services';

/** What parts tell each other inside the background (never sent to pages: that is `Events`). */
export interface Signals {
  /** A new account snapshot, already cached and sent to pages. */
  'account.changed': AccountSnapshot;
  /** Sora started or stopped answering as the Sora app (the record is already in storage.local). */
  'service.changed': ServiceStatus;
  /** A login, a logout or another user (auth reports real changes only). */
  'auth.changed': AuthState;
  /** The user granted site access to chatgpt.com: sentinel tokens can be made again. */
  'sentinel.possible': null;
  /** A persisted worker's tick failed (the error) or went through: the "storage refused" notice follows. */
  'tick.failed': unknown;
  'tick.ok': null;
}
export type SignalName = keyof Signals;
export type SignalHandlers = { [K in SignalName]?: (payload: Signals[K]) => void };

export interface FeatureContext {
  /** The request core every call to Sora goes through. */
  http: SoraHttp;
  /** Auth, the account service, Sora 2 access and the service-status record (./services.ts). */
  services: Services;
  /** Tells every part's `on` something this part learned. */
  signal<K extends SignalName>(name: K, payload: Signals[K]): void;
}

export interface BackgroundPart<
  H extends PartialHandlers = PartialHandlers,
  E extends EventName = EventName,
> {
  /** Its answers to page requests, built with `satisfies PartialHandlers` so the keys stay in the type. */
  handlers?: H;
  /** The events it broadcasts to pages (every protocol event is declared by one part: features.test.ts). */
  events?: readonly E[];
  /** The alarms it owns, by name. */
  alarms?: Readonly<Record<string, () => void>>;
  start?(): void;
  wake?(): void;
  on?: SignalHandlers;
}

export interface Feature<P extends BackgroundPart = BackgroundPart> {
  create(ctx: FeatureContext): P;
}

/** Keeps the part's own request and event names in its type, so the registry can check it covers them all. */
export function defineFeature<H extends PartialHandlers = Record<never, never>, E extends EventName = never>(
  create: (ctx: FeatureContext) => BackgroundPart<H, E>,
): Feature<BackgroundPart<H, E>> {
  return { create };
}

/**
 * The requests answered by a list of parts (a tuple). Taken element by element: in a union of parts one
 * that answers `'auth.openLogin'` and nothing else is a subtype of one that answers nothing, and TypeScript
 * may fold it away.
 */
export type HandledBy<P extends readonly unknown[]> = {
  [I in keyof P]: P[I] extends { handlers?: infer H } ? keyof NonNullable<H> & RequestName : never;
}[number];
/** The events a list of parts declares. */
export type EmittedBy<P extends readonly unknown[]> = {
  [I in keyof P]: P[I] extends { events?: readonly (infer E)[] } ? E & EventName : never;
}[number];
/** The parts a list of features builds, element by element. */
export type PartsOf<F extends readonly Feature[]> = {
  [I in keyof F]: F[I] extends Feature<infer P> ? P : never;
};

/** Builds every feature's part (nothing is registered yet). */
export function createParts<const F extends readonly Feature[]>(
  features: F,
  ctx: FeatureContext,
): PartsOf<F> {
  return features.map((feature) => feature.create(ctx)) as PartsOf<F>;
}

/** One map of every part's handlers, typed with exactly the requests they answer. */
export function mergeHandlers<const P extends readonly BackgroundPart[]>(
  parts: P,
): { [K in HandledBy<P>]: Handler<K> } {
  const all: PartialHandlers = {};
  for (const part of parts) Object.assign(all, part.handlers);
  return all as { [K in HandledBy<P>]: Handler<K> };
}

/** Delivers signals to the parts; parts are handed over once built (signals before that reach no one). */
export function createSignals() {
  let parts: readonly BackgroundPart[] = [];
  return {
    send<K extends SignalName>(name: K, payload: Signals[K]): void {
      for (const part of parts) {
        const handler = part.on?.[name];
        // One part's failure must not keep the signal from the others.
        try {
          handler?.(payload);
        } catch (e) {
          console.error(`signal ${name} failed`, e instanceof Error ? e.message : e);
        }
      }
    },
    deliverTo(built: readonly BackgroundPart[]): void {
      parts = built;
    },
  };
}

type Hook = 'start' | 'wake';

function callEach(parts: readonly BackgroundPart[], hook: Hook): void {
  for (const part of parts) {
    try {
      part[hook]?.();
    } catch (e) {
      console.error(`${hook} failed`, e instanceof Error ? e.message : e);
    }
  }
}

/** Registers the parts with the browser; call synchronously in the background's main(). */
export function runParts(
  parts: readonly BackgroundPart[],
  handlers: Handlers,
  signals: ReturnType<typeof createSignals>,
): void {
  signals.deliverTo(parts);
  const wakeAll = () => callEach(parts, 'wake');
  serve(handlers, { onAnyMessage: wakeAll });

  const alarms = new Map(parts.flatMap((part) => Object.entries(part.alarms ?? {})));
  browser.alarms.onAlarm.addListener((alarm) => alarms.get(alarm.name)?.());

  browser.runtime.onStartup.addListener(wakeAll);
  browser.runtime.onInstalled.addListener(wakeAll);

  callEach(parts, 'start');
  wakeAll();
}
