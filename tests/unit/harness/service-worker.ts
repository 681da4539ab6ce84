/**
 * A service worker's lives in one test process. Chrome stops an idle MV3 worker whenever it likes: every
 * timer of that instance is gone, its fetches are cancelled and never answer, its listeners are gone, its
 * memory (module variables, open IndexedDB connections and uncommitted transactions) is lost; what the
 * browser keeps (storage.local / .session, IndexedDB, alarms, cookies) stays, and an event (an alarm, a
 * message) starts a new instance that evaluates the modules again and runs `main()`.
 *
 * Here each instance runs inside its own AsyncLocalStorage context, so everything it starts (timers,
 * fetches, listeners, IndexedDB transactions, browser calls) is known to be its own. Stopping an instance
 * cuts every source its pending code could resume from (timers cleared, fetches aborted and left
 * unanswered, transactions aborted with their events withheld, connections closed, listeners removed), and
 * any call it still makes is refused and recorded in `zombieCalls` instead of reaching the browser or the
 * backend. A fresh instance re-imports the background entry point after `vi.resetModules()`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';

interface Instance {
  id: number;
  alive: boolean;
  timers: Set<unknown>;
  removeListeners: (() => void)[];
  abort: AbortController;
  transactions: Set<IDBTransaction>;
  connections: Set<IDBDatabase>;
}

const context = new AsyncLocalStorage<Instance>();
/** IndexedDB objects (requests, transactions, connections) by the instance that made them. */
const owners = new WeakMap<object, Instance>();
const zombieCalls: string[] = [];
const never = <T>() => new Promise<T>(() => {});

/** The instance whose code is running, if any (tests and the simulator run outside every instance). */
export const runningInstance = (): Instance | undefined => context.getStore();

function refuse(what: string): void {
  zombieCalls.push(what);
}

/**
 * Wraps the simulator fetch for the instances: a stopped one gets nothing (its request never leaves), a
 * running one's request is aborted when it stops, and an answer that arrives after the stop is never
 * delivered (the request did reach the backend: that is the case a blind retry would duplicate).
 */
export function gateFetch(send: (request: Request) => Promise<Response>) {
  return async (request: Request): Promise<Response> => {
    const inst = runningInstance();
    if (!inst) return send(request);
    if (!inst.alive) {
      refuse(`fetch ${request.method} ${new URL(request.url).pathname}`);
      return never();
    }
    const signal = AbortSignal.any([request.signal, inst.abort.signal]);
    try {
      // The backend's work is not the instance's: it goes on after a stop (only the answer is lost).
      const res = await context.exit(() => send(new Request(request, { signal })));
      return inst.alive ? res : never();
    } catch (e) {
      if (!inst.alive) return never();
      throw e;
    }
  };
}

export interface ServiceWorker {
  /** Starts a new instance (fresh modules, `main()`), unless one is running. */
  start(): Promise<void>;
  /** Stops the running instance as Chrome would. */
  stop(): void;
  readonly running: boolean;
  /** Instances started so far. */
  readonly starts: number;
  readonly stops: number;
  /** Calls a stopped instance still tried (each refused). Empty when the stop cut every source. */
  readonly zombieCalls: readonly string[];
  /**
   * Fires the alarms that are due (starting an instance first if none runs, as Chrome does) and moves
   * periodic ones on. Returns how many fired.
   */
  fireDueAlarms(): Promise<number>;
  /**
   * Lets the running instance's IndexedDB work finish (fake-indexeddb answers on real `setImmediate`, which
   * fake timers do not drive): returns once no transaction of it is open, or after `maxRounds`.
   */
  settle(maxRounds?: number): Promise<void>;
  /** Runs `fn` as code of the running instance (to probe the boundary). */
  within<T>(fn: () => T): T;
}

type Restore = () => void;
const restores: Restore[] = [];

function patch<T extends object, K extends keyof T>(obj: T, key: K, make: (orig: T[K]) => T[K]): void {
  const orig = obj[key];
  obj[key] = make(orig);
  restores.push(() => {
    obj[key] = orig;
  });
}

/** Each event's listeners run inside the instance that added them, and leave with it. */
function patchEvents(extraLists: unknown[][]): void {
  const b = fakeBrowser as unknown as Record<string, Record<string, unknown>>;
  const namespaces: Record<string, unknown>[] = [];
  for (const ns of Object.values(b)) {
    if (!ns || typeof ns !== 'object') continue;
    namespaces.push(ns);
    for (const area of ['local', 'session', 'sync', 'managed']) {
      const a = (ns as Record<string, unknown>)[area];
      if (a && typeof a === 'object') namespaces.push(a as Record<string, unknown>);
    }
  }
  for (const ns of namespaces) {
    for (const value of Object.values(ns)) {
      const ev = value as { addListener?: unknown; removeListener?: (l: unknown) => void };
      if (!ev || typeof ev !== 'object' || typeof ev.addListener !== 'function') continue;
      patch(ev as { addListener: (l: unknown) => unknown }, 'addListener', (orig) => (listener) => {
        const inst = runningInstance();
        if (!inst) return orig.call(ev, listener);
        if (!inst.alive) return refuse('addListener');
        const own = (...args: unknown[]) =>
          inst.alive
            ? context.run(inst, () => (listener as (...a: unknown[]) => unknown)(...args))
            : undefined;
        inst.removeListeners.push(() => {
          ev.removeListener?.call(ev, own);
          for (const list of extraLists) {
            const i = list.indexOf(own);
            if (i >= 0) list.splice(i, 1);
          }
        });
        return orig.call(ev, own);
      });
    }
  }
}

/** Calls that change browser state: refused from a stopped instance. */
function patchBrowserWrites(): void {
  const b = fakeBrowser as unknown as Record<string, Record<string, unknown>>;
  const writes: [Record<string, unknown> | undefined, string[]][] = [
    [b.storage?.local as Record<string, unknown>, ['set', 'remove', 'clear']],
    [b.storage?.session as Record<string, unknown>, ['set', 'remove', 'clear']],
    [b.alarms, ['create', 'clear', 'clearAll']],
    [b.action, ['setBadgeText', 'setBadgeBackgroundColor']],
    [b.notifications, ['create', 'clear']],
    [b.runtime, ['sendMessage']],
    [b.tabs, ['sendMessage', 'create']],
    [b.downloads, ['download', 'cancel', 'erase']],
  ];
  for (const [ns, names] of writes) {
    for (const name of names) {
      if (!ns || typeof ns[name] !== 'function') continue;
      patch(
        ns as Record<string, (...a: unknown[]) => unknown>,
        name,
        (orig) =>
          function (this: unknown, ...args: unknown[]) {
            const inst = runningInstance();
            if (inst && !inst.alive) {
              refuse(name);
              return never();
            }
            return orig.apply(this, args);
          },
      );
    }
  }
}

/** Timers belong to the instance that set them: they run inside it and are cleared when it stops. */
function patchTimers(): void {
  const g = globalThis as unknown as Record<string, unknown>;
  const owner = new Map<unknown, Instance>();
  for (const [set, clear] of [
    ['setTimeout', 'clearTimeout'],
    ['setInterval', 'clearInterval'],
  ] as const) {
    const origSet = g[set] as (fn: () => void, ms?: number) => unknown;
    const origClear = g[clear] as (h: unknown) => void;
    const ownSet = (fn: unknown, ms?: unknown, ...args: unknown[]) => {
      const inst = runningInstance();
      if (typeof fn !== 'function' || !inst) return origSet(fn as () => void, ms as number);
      if (!inst.alive) {
        refuse(set);
        return origSet(() => {}, 0);
      }
      const handle = origSet(() => {
        if (set === 'setTimeout') {
          inst.timers.delete(handle);
          owner.delete(handle);
        }
        if (inst.alive) context.run(inst, () => fn(...args));
      }, ms as number);
      inst.timers.add(handle);
      owner.set(handle, inst);
      return handle;
    };
    const ownClear = (handle: unknown) => {
      owner.get(handle)?.timers.delete(handle);
      owner.delete(handle);
      origClear(handle);
    };
    g[set] = ownSet;
    g[clear] = ownClear;
    // vi.useRealTimers() may have put the real ones back already: only undo what is still ours.
    restores.push(() => {
      if (g[set] === ownSet) g[set] = origSet;
      if (g[clear] === ownClear) g[clear] = origClear;
      owner.clear();
    });
  }
}

/**
 * Message channels (the proof of work's yield to the event loop, lib/util/yield.ts) are the instance's too:
 * a message to a stopped instance's port is never handled, as in a stopped worker.
 */
function patchMessageChannel(): void {
  const g = globalThis as unknown as { MessageChannel: typeof MessageChannel };
  const Orig = g.MessageChannel;
  class OwnMessageChannel extends Orig {
    constructor() {
      super();
      const inst = runningInstance();
      if (!inst) return;
      for (const port of [this.port1, this.port2]) {
        const desc = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(port), 'onmessage');
        let handler: ((e: MessageEvent) => void) | null = null;
        Object.defineProperty(port, 'onmessage', {
          configurable: true,
          get: () => handler,
          set: (fn: ((e: MessageEvent) => void) | null) => {
            handler = fn;
            desc?.set?.call(port, fn && ((e: MessageEvent) => inst.alive && context.run(inst, () => fn(e))));
          },
        });
      }
    }
  }
  g.MessageChannel = OwnMessageChannel;
  restores.push(() => {
    if (g.MessageChannel === OwnMessageChannel) g.MessageChannel = Orig;
  });
}

/** IndexedDB: connections and transactions are the instance's; their events are withheld once it stops. */
function patchIndexedDb(): void {
  const factory = Object.getPrototypeOf(indexedDB) as IDBFactory;
  patch(
    factory,
    'open',
    (orig) =>
      function (this: IDBFactory, ...args: Parameters<IDBFactory['open']>) {
        const inst = runningInstance();
        if (inst && !inst.alive) {
          refuse('indexedDB.open');
          throw new DOMException('The worker was stopped.', 'InvalidStateError');
        }
        const request = orig.apply(this, args);
        if (inst) {
          owners.set(request, inst);
          request.addEventListener('success', () => {
            owners.set(request.result, inst);
            inst.connections.add(request.result);
          });
        }
        return request;
      },
  );
  patch(
    IDBDatabase.prototype,
    'transaction',
    (orig) =>
      function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
        const inst = runningInstance() ?? owners.get(this);
        if (inst && !inst.alive) {
          refuse('IDBDatabase.transaction');
          throw new DOMException('The worker was stopped.', 'InvalidStateError');
        }
        const tx = orig.apply(this, args);
        if (inst) {
          owners.set(tx, inst);
          inst.transactions.add(tx);
          const done = () => inst.transactions.delete(tx);
          tx.addEventListener('complete', done);
          tx.addEventListener('abort', done);
        }
        return tx;
      },
  );
  withholdEventsOfStoppedInstances();
}

/** A request's transaction: its own, or its source's (an index's requests name only the index). */
function ownerOf(target: object): Instance | undefined {
  type Node = { transaction?: object | null; source?: Node | null; objectStore?: Node | null };
  const t = target as Node;
  const tx =
    t.transaction ??
    t.source?.transaction ??
    t.source?.objectStore?.transaction ??
    t.source?.source?.transaction;
  return owners.get(target) ?? (tx ? owners.get(tx) : undefined);
}

let withholding = false;

/**
 * Once per process and never undone: an aborted transaction's events arrive a task later, possibly after
 * the test that stopped the instance has ended, and must not reach its code either.
 */
function withholdEventsOfStoppedInstances(): void {
  if (withholding) return;
  withholding = true;
  const target = Object.getPrototypeOf(IDBRequest.prototype) as EventTarget;
  const orig = target.dispatchEvent;
  target.dispatchEvent = function (this: EventTarget, event: Event) {
    const inst = ownerOf(this);
    if (inst && !inst.alive) {
      // A connection that opens after its instance stopped would never be closed by anyone and would block
      // every later delete or upgrade of the database: Chrome drops it with the instance.
      if (event.type === 'success' && this instanceof IDBOpenDBRequest) {
        (this.result as IDBDatabase | undefined)?.close();
      }
      return false;
    }
    return orig.call(this, event);
  };
}

let installed: ServiceWorker | null = null;

/**
 * Installs the instance boundary (call after `vi.useFakeTimers`, once per test) and returns the worker.
 * `load` imports the background entry point; it runs again for every new instance.
 * `extraLists` are arrays the harness keeps listeners in (runtime.onMessage dispatchers…).
 */
export function installServiceWorker(
  load: () => Promise<{ default: { main?: () => void } }>,
  extraLists: unknown[][] = [],
): ServiceWorker {
  if (installed) throw new Error('installServiceWorker: already installed (call uninstallServiceWorker)');
  patchEvents(extraLists);
  patchBrowserWrites();
  patchTimers();
  patchMessageChannel();
  patchIndexedDb();
  zombieCalls.length = 0;
  let current: Instance | null = null;
  let starts = 0;
  let stops = 0;

  const worker: ServiceWorker = {
    async start() {
      if (current) return;
      const inst: Instance = {
        id: ++starts,
        alive: true,
        timers: new Set(),
        removeListeners: [],
        abort: new AbortController(),
        transactions: new Set(),
        connections: new Set(),
      };
      current = inst;
      vi.resetModules();
      await context.run(inst, async () => {
        const entry = await load();
        entry.default.main?.();
      });
    },
    stop() {
      const inst = current;
      if (!inst) return;
      current = null;
      stops++;
      inst.alive = false;
      for (const h of inst.timers) {
        clearTimeout(h as ReturnType<typeof setTimeout>);
        clearInterval(h as ReturnType<typeof setInterval>);
      }
      inst.timers.clear();
      for (const remove of inst.removeListeners) remove();
      inst.removeListeners.length = 0;
      inst.abort.abort(new DOMException('The service worker was stopped.', 'AbortError'));
      for (const tx of inst.transactions) {
        try {
          tx.abort();
        } catch {
          // Already committing or finished: what Chrome would have written too.
        }
      }
      inst.transactions.clear();
      for (const db of inst.connections) db.close();
      inst.connections.clear();
    },
    get running() {
      return current !== null;
    },
    get starts() {
      return starts;
    },
    get stops() {
      return stops;
    },
    zombieCalls,
    async settle(maxRounds = 200) {
      let quiet = 0;
      for (let i = 0; i < maxRounds && quiet < 2; i++) {
        await new Promise<void>((r) => setImmediate(r));
        quiet = current && current.transactions.size > 0 ? 0 : quiet + 1;
      }
    },
    within(fn) {
      if (!current) throw new Error('no instance is running');
      return context.run(current, fn);
    },
    async fireDueAlarms() {
      const now = Date.now();
      const due = (await fakeBrowser.alarms.getAll()).filter((a) => a.scheduledTime <= now);
      if (due.length === 0) return 0;
      await worker.start();
      for (const alarm of due) {
        if (alarm.periodInMinutes) {
          const period = alarm.periodInMinutes * 60_000;
          alarm.scheduledTime += Math.ceil((now - alarm.scheduledTime + 1) / period) * period;
        } else {
          await fakeBrowser.alarms.clear(alarm.name);
        }
        await fakeBrowser.alarms.onAlarm.trigger({ ...alarm });
      }
      return due.length;
    },
  };
  installed = worker;
  return worker;
}

/** The worker `installServiceWorker` made last (the one `bootWorld` started). */
export function installedWorker(): ServiceWorker {
  if (!installed) throw new Error('no service worker is installed');
  return installed;
}

/** Stops the running instance and undoes every patch (newest first). */
export function uninstallServiceWorker(): void {
  installed?.stop();
  installed = null;
  for (const restore of restores.splice(0).reverse()) restore();
}
