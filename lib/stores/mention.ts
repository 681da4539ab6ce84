/**
 * Hands a character from the Characters view to a prompt view: `insertMention(username, characterId)`
 * queues it for a target ('create' by default, or 'storyboard'); the target view takes it with
 * `useMentionInbox`, writes `@username` into its prompt, and sends the id in `cameo_ids` (see
 * lib/characters/mention.ts `withMentions`).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { create } from 'zustand';
import type { Mention } from '../characters/mention';

export type MentionTarget = 'create' | 'storyboard';

interface Pending extends Mention {
  target: MentionTarget;
}

interface MentionState {
  pending: readonly Pending[];
  insert(mention: Mention, target: MentionTarget): void;
  /** Takes (and forgets) the mentions waiting for `target`. */
  take(target: MentionTarget): Mention[];
}

export const useMentions = create<MentionState>((set, get) => ({
  pending: [],
  insert(mention, target) {
    set((s) => ({ pending: [...s.pending, { ...mention, target }] }));
  },
  take(target) {
    const mine = get().pending.filter((p) => p.target === target);
    if (mine.length === 0) return [];
    set((s) => ({ pending: s.pending.filter((p) => p.target !== target) }));
    return mine.map(({ username, characterId }) => ({ username, characterId }));
  },
}));

/** Queues `@username` for a prompt view. */
export function insertMention(username: string, characterId: string, target: MentionTarget = 'create'): void {
  useMentions.getState().insert({ username, characterId }, target);
}

/**
 * For a prompt view: calls `onInsert` once per mention sent to `target` while the view is mounted, and
 * returns every mention received so far (to compute `cameo_ids` on submit).
 */
export function useMentionInbox(
  target: MentionTarget,
  onInsert: (mention: Mention) => void,
): readonly Mention[] {
  const waiting = useMentions((s) => s.pending.some((p) => p.target === target));
  const [received, setReceived] = useState<readonly Mention[]>([]);
  const callback = useRef(onInsert);
  callback.current = onInsert;
  useEffect(() => {
    if (!waiting) return;
    const taken = useMentions.getState().take(target);
    if (taken.length === 0) return;
    setReceived((prev) => [
      ...prev.filter((p) => !taken.some((m) => m.characterId === p.characterId)),
      ...taken,
    ]);
    for (const m of taken) callback.current(m);
  }, [waiting, target]);
  return received;
}
