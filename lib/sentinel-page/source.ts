/**
 * `pageSentinel()`: a SentinelSource that asks an open sora.chatgpt.com tab for a token made by the page's
 * own sentinel SDK with the device id (see messages.ts for the path). It rejects with `no_tab` when no tab can
 * answer; the background chains it before the hand-made source and caches what either makes.
 */
import {
  randomAlphanumeric,
  type SentinelFlow,
  type SentinelSource,
  SentinelUnavailableError,
} from '../sora/sentinel';
import { readTokenAnswer, type SentinelTokenRequest, sentinelTokenRequest } from './messages';

/** The parts of `tabs.Tab` that matter here. */
export interface TabLike {
  id?: number;
  active?: boolean;
  discarded?: boolean;
  status?: string;
  lastAccessed?: number;
}

export interface PageSentinelDeps {
  /** Open sora.chatgpt.com tabs (`tabs.query({url})`: host permission is enough, no `tabs` permission). */
  findTabs(): Promise<TabLike[]>;
  /** `tabs.sendMessage` to the tab's top frame. */
  sendToTab(tabId: number, message: SentinelTokenRequest): Promise<unknown>;
  /** Per tab. Default 4000 ms. */
  timeoutMs?: number;
  /** Tabs tried, best first. Default 2. */
  maxTabs?: number;
  nonce?: () => string;
}

/** Tabs the user looks at first, then the most recently used; discarded tabs run no scripts. */
export function orderTabs(tabs: TabLike[]): Array<TabLike & { id: number }> {
  const score = (t: TabLike) => (t.active ? 2 : 0) + (t.status === 'complete' ? 1 : 0);
  return tabs
    .filter((t): t is TabLike & { id: number } => typeof t.id === 'number' && t.id >= 0 && !t.discarded)
    .sort((a, b) => score(b) - score(a) || (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the page did not answer in time')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function pageSentinel(deps: PageSentinelDeps): SentinelSource {
  const timeoutMs = deps.timeoutMs ?? 4000;
  const maxTabs = deps.maxTabs ?? 2;
  const nonce = deps.nonce ?? (() => randomAlphanumeric(32));
  return {
    async token(flow: SentinelFlow, ctx) {
      const tabs = orderTabs(await deps.findTabs()).slice(0, maxTabs);
      for (const tab of tabs) {
        const n = nonce();
        try {
          const answer = await withTimeout(
            deps.sendToTab(tab.id, sentinelTokenRequest(flow, ctx?.deviceId ?? '', n)),
            timeoutMs,
          );
          const token = readTokenAnswer(answer, n);
          if (token !== null) return token;
        } catch {
          // No content script in that tab (opened before install, or a page without it): try the next.
        }
      }
      throw new SentinelUnavailableError(
        'no_tab',
        tabs.length === 0 ? 'no sora.chatgpt.com tab is open' : 'no page gave a sentinel token',
      );
    },
  };
}
