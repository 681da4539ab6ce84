/**
 * The side panel's copy of the remix intent the "Remix this" menu stored in storage.session. `start()`
 * picks up an intent that is already waiting (the panel was just opened by the click) and follows new ones
 * (the panel was already open). An intent is taken out of storage as soon as it is picked up, so it is
 * applied once; the view that applies it calls `consume()`.
 */
import { useEffect } from 'preact/hooks';
import { create } from 'zustand';
import { parseIntent, type RemixIntent } from '../remix/intent';
import { remixIntentItem } from '../util/storage-items';

export type { RemixIntent };

/** Removes the stored intent only if it is still the one picked up (a newer click must not be lost). */
async function removeIfSame(intent: RemixIntent): Promise<void> {
  const current = (await remixIntentItem.getValue()) as { createdAt?: unknown } | null;
  if (current?.createdAt === intent.createdAt) await remixIntentItem.removeValue();
}

interface IntentState {
  /** The intent waiting to be applied, or `null`. */
  intent: RemixIntent | null;
  /** The last intent handed over, kept so the form can show the original's thumbnail and prompt. */
  applied: RemixIntent | null;
  /** Reads a waiting intent and follows new ones; returns the unsubscribe. */
  start(): () => void;
  /** Hands over the waiting intent (once) and forgets it. */
  consume(): RemixIntent | null;
}

export const useIntent = create<IntentState>((set, get) => {
  const pickUp = (value: unknown) => {
    const intent = parseIntent(value);
    if (!intent) return;
    set({ intent });
    void removeIfSame(intent).catch(() => {});
  };
  return {
    intent: null,
    applied: null,
    start() {
      void remixIntentItem
        .getValue()
        .then(pickUp)
        .catch(() => {});
      return remixIntentItem.watch(pickUp);
    },
    consume() {
      const intent = get().intent;
      if (intent) set({ intent: null, applied: intent });
      return intent;
    },
  };
});

/** Calls `apply` once for each intent that arrives while the calling view is mounted. */
export function useRemixIntent(apply: (intent: RemixIntent) => void): void {
  const pending = useIntent((s) => s.intent);
  // Keyed on the arriving intent only: a new `apply` closure each render must not re-run it.
  useEffect(() => {
    if (!pending) return;
    const intent = useIntent.getState().consume();
    if (intent) apply(intent);
  }, [pending]);
}
