import { useCallback, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { t } from '../../lib/i18n';
import { useStoryboard } from '../../lib/stores/storyboard';
import {
  addShot,
  canAddShot,
  dropIndex,
  duplicateShot,
  type MentionCandidate,
  maxShotsFor,
  moveShot,
  removeShot,
  type Storyboard,
  timeline,
  updateShot,
} from '../../lib/storyboard';
import { IssueList, type ViewIssue } from './issues';
import { type DropMark, type ShotAction, ShotCard } from './ShotCard';

const SHOT_TYPE = 'application/x-companion-shot';
const NO_ISSUES: readonly ViewIssue[] = [];

interface Props {
  storyboard: Storyboard;
  issues: readonly ViewIssue[];
  mentions: readonly MentionCandidate[];
  onSceneLeft(shotId: string): void;
}

/** What to focus once the list has re-rendered: a control (by its data-focus key) in a shot's card. */
interface FocusTarget {
  shotId: string;
  key: string;
  selection?: [number, number];
}

/** Which half of the card under the pointer a drop would go to. */
function sideAt(e: DragEvent): 'before' | 'after' {
  const rect = (e.currentTarget as HTMLElement).getBoundingClientRect();
  return e.clientY < rect.top + rect.height / 2 ? 'before' : 'after';
}

/** Remembers to focus, after the re-render, the same control in the moved shot's card. */
function focusAfter(ref: { current: FocusTarget | null }, shotId: string, from: HTMLElement | null) {
  const key = from?.closest<HTMLElement>('[data-focus]')?.dataset.focus ?? 'scene';
  const selection: [number, number] | undefined =
    from instanceof HTMLTextAreaElement ? [from.selectionStart, from.selectionEnd] : undefined;
  ref.current = { shotId, key, ...(selection ? { selection } : {}) };
}

/**
 * The shot cards, with every way to reorder them: drag by the handle, Alt+↑/↓ in a card, or the move
 * buttons. Each move keeps focus on the control that made it and is announced in words.
 */
export function ShotList({ storyboard, issues, mentions, onSceneLeft }: Props) {
  const edit = useStoryboard((s) => s.edit);
  const refreshMentions = useStoryboard((s) => s.refreshMentions);
  const listRef = useRef<HTMLOListElement>(null);
  const focusNext = useRef<FocusTarget | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const [drop, setDrop] = useState<{ index: number; side: 'before' | 'after' } | null>(null);

  const { shots } = storyboard;
  const starts = useMemo(() => timeline(storyboard).shots.map((s) => s.startS), [storyboard]);
  const byShot = useMemo(() => {
    const map = new Map<number, ViewIssue[]>();
    for (const issue of issues) {
      if (issue.place !== 'shot' || issue.shotIndex === undefined) continue;
      map.set(issue.shotIndex, [...(map.get(issue.shotIndex) ?? []), issue]);
    }
    return map;
  }, [issues]);
  const listIssues = issues.filter((i) => i.place === 'shots');
  const canAdd = canAddShot(storyboard);

  useLayoutEffect(() => {
    const target = focusNext.current;
    if (!target) return;
    focusNext.current = null;
    const card = listRef.current?.querySelector<HTMLElement>(`[data-shot-id="${target.shotId}"]`);
    if (!card) {
      document.getElementById('sb-add-shot')?.focus();
      return;
    }
    let el = card.querySelector<HTMLElement>(`[data-focus="${target.key}"]`);
    // At the top or bottom the button that moved the shot is now disabled: the other direction is next.
    if (!el || (el as HTMLButtonElement).disabled) {
      el =
        card.querySelector<HTMLElement>('[data-focus="up"]:not(:disabled)') ??
        card.querySelector<HTMLElement>('[data-focus="down"]:not(:disabled)') ??
        card.querySelector<HTMLElement>('[data-focus="scene"]');
    }
    el?.focus();
    if (target.selection && el instanceof HTMLTextAreaElement) el.setSelectionRange(...target.selection);
  });

  const onAction = useCallback(
    (index: number, action: ShotAction, origin: HTMLElement | null) => {
      // The latest shots, not the ones of the render that made this handler: it stays stable across edits.
      const current = useStoryboard.getState().draft.storyboard.shots;
      const shot = current[index];
      if (!shot) return;
      if (action === 'up' || action === 'down') {
        const to = action === 'up' ? index - 1 : index + 1;
        if (to < 0 || to >= current.length) return;
        focusAfter(focusNext, shot.id, origin);
        edit((sb) => moveShot(sb, index, to));
        setAnnouncement(t('storyboard.announce.moved', { n: index + 1, position: to + 1 }));
      } else if (action === 'duplicate') {
        edit((sb) => duplicateShot(sb, index));
        const copy = useStoryboard.getState().draft.storyboard.shots[index + 1];
        if (copy && copy.id !== current[index + 1]?.id) {
          focusNext.current = { shotId: copy.id, key: 'scene' };
          setAnnouncement(t('storyboard.announce.duplicated', { n: index + 1, copy: index + 2 }));
        }
      } else {
        edit((sb) => removeShot(sb, index));
        const next = current[index + 1] ?? current[index - 1];
        // No shot left: the "Add shot" button takes the focus.
        focusNext.current = { shotId: next?.id ?? '', key: 'scene' };
        setAnnouncement(t('storyboard.announce.removed', { n: index + 1 }));
      }
    },
    [edit],
  );

  const onScene = useCallback(
    (index: number, scene: string) => edit((sb) => updateShot(sb, index, { scene })),
    [edit],
  );
  const onDuration = useCallback(
    (index: number, durationS: number) => edit((sb) => updateShot(sb, index, { durationS })),
    [edit],
  );

  // The drag source lives in a ref as well as in state: dragover and drop can arrive before the re-render
  // that dragstart's state change schedules, and they must already know which shot is moving.
  const dragging = useRef<number | null>(null);

  const onDragStart = useCallback((index: number, e: DragEvent) => {
    if (!e.dataTransfer) return;
    e.dataTransfer.effectAllowed = 'move';
    e.dataTransfer.setData(SHOT_TYPE, String(index));
    const card = (e.currentTarget as HTMLElement).closest('li');
    if (card) e.dataTransfer.setDragImage(card, 16, 16);
    dragging.current = index;
    setDragFrom(index);
  }, []);

  const onDragOver = useCallback((index: number, e: DragEvent) => {
    if (dragging.current === null || !e.dataTransfer?.types.includes(SHOT_TYPE)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    const side = sideAt(e);
    setDrop((d) => (d?.index === index && d.side === side ? d : { index, side }));
  }, []);

  const onDrop = useCallback(
    (index: number, e: DragEvent) => {
      if (!e.dataTransfer?.types.includes(SHOT_TYPE)) return;
      e.preventDefault();
      const from = dragging.current ?? Number.parseInt(e.dataTransfer.getData(SHOT_TYPE), 10);
      dragging.current = null;
      setDragFrom(null);
      setDrop(null);
      if (!Number.isInteger(from)) return;
      const to = dropIndex(from, index, sideAt(e));
      if (to === from) return;
      edit((sb) => moveShot(sb, from, to));
      setAnnouncement(t('storyboard.announce.moved', { n: from + 1, position: to + 1 }));
    },
    [edit],
  );

  const onDragEnd = useCallback(() => {
    dragging.current = null;
    setDragFrom(null);
    setDrop(null);
  }, []);

  function add() {
    edit((sb) => addShot(sb));
    const added = useStoryboard.getState().draft.storyboard.shots.at(-1);
    if (added) {
      focusNext.current = { shotId: added.id, key: 'scene' };
      setAnnouncement(t('storyboard.announce.added', { n: shots.length + 1 }));
    }
  }

  const sideOf = (index: number): DropMark => {
    if (!drop || drop.index !== index || dragFrom === null) return null;
    return dropIndex(dragFrom, index, drop.side) === dragFrom ? null : drop.side;
  };

  return (
    <section class="sb-shots" aria-labelledby="sb-shots-heading">
      <div class="sb-section-head">
        <h2 id="sb-shots-heading" tabIndex={-1}>
          {t('storyboard.shots.title', { count: shots.length })}
        </h2>
        <span class="muted small">{t('storyboard.shots.reorderHint')}</span>
      </div>
      <IssueList id="sb-shots-issues" issues={listIssues} />
      <ol class="sb-shot-list" ref={listRef}>
        {shots.map((shot, index) => (
          <ShotCard
            key={shot.id}
            shot={shot}
            index={index}
            count={shots.length}
            startS={starts[index] ?? 0}
            maxS={storyboard.lengthS}
            canAdd={canAdd}
            issues={byShot.get(index) ?? NO_ISSUES}
            mentions={mentions}
            dragging={dragFrom === index}
            drop={sideOf(index)}
            onScene={onScene}
            onDuration={onDuration}
            onAction={onAction}
            onDragStart={onDragStart}
            onDragOver={onDragOver}
            onDrop={onDrop}
            onDragEnd={onDragEnd}
            onMentionsWanted={refreshMentions}
            onSceneLeft={onSceneLeft}
          />
        ))}
      </ol>
      <div class="sb-add">
        <button
          type="button"
          id="sb-add-shot"
          class="btn"
          disabled={!canAdd}
          aria-describedby={canAdd ? undefined : 'sb-add-why'}
          onClick={add}
        >
          {t('storyboard.shots.add')}
        </button>
        {!canAdd && (
          <span id="sb-add-why" class="muted small">
            {t('storyboard.shots.full', { max: maxShotsFor(storyboard.lengthS) })}
          </span>
        )}
      </div>
      <p class="visually-hidden" aria-live="polite" data-testid="sb-announce">
        {announcement}
      </p>
    </section>
  );
}
