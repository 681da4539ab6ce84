import { memo } from 'preact/compat';
import { t } from '../../lib/i18n';
import type { DropSide, MentionCandidate, Shot } from '../../lib/storyboard';
import { EnhancePrompt } from '../enhance/EnhancePrompt';
import { DurationControl } from './DurationControl';
import { IssueList, secs, type ViewIssue } from './issues';
import { SceneField } from './SceneField';

export type ShotAction = 'up' | 'down' | 'duplicate' | 'remove';

/** Where a dragged shot would land relative to this card. */
export type DropMark = DropSide | null;

interface Props {
  shot: Shot;
  index: number;
  count: number;
  startS: number;
  maxS: number;
  canAdd: boolean;
  issues: readonly ViewIssue[];
  mentions: readonly MentionCandidate[];
  dragging: boolean;
  drop: DropMark;
  onScene(index: number, scene: string): void;
  onDuration(index: number, durationS: number): void;
  onAction(index: number, action: ShotAction, from: HTMLElement | null): void;
  onDragStart(index: number, e: DragEvent): void;
  onDragOver(index: number, e: DragEvent): void;
  onDrop(index: number, e: DragEvent): void;
  onDragEnd(): void;
  onMentionsWanted(): void;
  onSceneLeft(shotId: string): void;
}

function ShotCardView(p: Props) {
  const { shot, index, count } = p;
  const n = index + 1;
  const issuesId = `sb-shot-issues-${shot.id}`;
  const sceneIssues = p.issues.filter((i) => !i.code.startsWith('duration'));
  const durationIssues = p.issues.filter((i) => i.code.startsWith('duration'));
  const end = p.startS + (Number.isFinite(shot.durationS) ? shot.durationS : 0);
  const classes = ['sb-shot', 'card'];
  if (p.dragging) classes.push('sb-shot-dragging');
  if (p.drop) classes.push(`sb-drop-${p.drop}`);
  if (p.issues.length > 0) classes.push('sb-shot-invalid');
  const action = (a: ShotAction) => (e: MouseEvent) => p.onAction(index, a, e.currentTarget as HTMLElement);
  return (
    <li
      class={classes.join(' ')}
      data-testid="sb-shot"
      data-shot-id={shot.id}
      aria-labelledby={`sb-shot-title-${shot.id}`}
      onKeyDown={(e) => {
        // Alt+↑ / Alt+↓ anywhere in the card moves the shot (the buttons do the same for pointer users).
        if (!e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
        e.preventDefault();
        p.onAction(index, e.key === 'ArrowUp' ? 'up' : 'down', e.target as HTMLElement);
      }}
      onDragOver={(e) => p.onDragOver(index, e)}
      onDrop={(e) => p.onDrop(index, e)}
    >
      <div class="sb-shot-head">
        <span
          class="sb-handle"
          draggable
          data-testid="sb-drag-handle"
          title={t('storyboard.shot.dragHint')}
          aria-hidden="true"
          onDragStart={(e) => p.onDragStart(index, e)}
          onDragEnd={p.onDragEnd}
        >
          ⠿
        </span>
        <h3 class="sb-shot-title" id={`sb-shot-title-${shot.id}`}>
          {t('storyboard.shot.title', { n })}
        </h3>
        <span class="muted small sb-shot-span">
          {t('storyboard.shot.span', { start: secs(p.startS), end: secs(end) })}
        </span>
      </div>
      <SceneField
        id={`sb-scene-${shot.id}`}
        label={t('storyboard.shot.scene', { n })}
        placeholder={t('storyboard.shot.scenePlaceholder')}
        value={shot.scene}
        mentions={p.mentions}
        describedBy={sceneIssues.length > 0 ? `${issuesId}-scene` : undefined}
        invalid={sceneIssues.length > 0}
        onChange={(scene) => p.onScene(index, scene)}
        onFocus={p.onMentionsWanted}
        onBlur={() => p.onSceneLeft(shot.id)}
      />
      {/* Above the scene's messages, which appear when the field loses focus: see PromptEntry. */}
      <EnhancePrompt
        id={`sb-enhance-${shot.id}`}
        fieldId={`sb-scene-${shot.id}`}
        text={shot.scene}
        seconds={p.maxS}
        buttonLabel={t('enhance.shot.button', { n })}
        suggestionLabel={t('enhance.shot.suggestion', { n })}
        onReplace={(scene) => p.onScene(index, scene)}
      />
      <IssueList id={`${issuesId}-scene`} issues={sceneIssues} />
      <DurationControl
        shotId={shot.id}
        n={n}
        durationS={shot.durationS}
        maxS={p.maxS}
        describedBy={durationIssues.length > 0 ? `${issuesId}-duration` : undefined}
        invalid={durationIssues.length > 0}
        onChange={(d) => p.onDuration(index, d)}
      />
      <IssueList id={`${issuesId}-duration`} issues={durationIssues} />
      <div class="sb-shot-actions">
        <button
          type="button"
          class="btn btn-icon"
          data-focus="up"
          aria-label={t('storyboard.shot.moveUp', { n })}
          title={t('storyboard.shot.moveUp', { n })}
          aria-keyshortcuts="Alt+ArrowUp"
          disabled={index === 0}
          onClick={action('up')}
        >
          <span aria-hidden="true">↑</span>
        </button>
        <button
          type="button"
          class="btn btn-icon"
          data-focus="down"
          aria-label={t('storyboard.shot.moveDown', { n })}
          title={t('storyboard.shot.moveDown', { n })}
          aria-keyshortcuts="Alt+ArrowDown"
          disabled={index === count - 1}
          onClick={action('down')}
        >
          <span aria-hidden="true">↓</span>
        </button>
        <button
          type="button"
          class="btn"
          data-focus="duplicate"
          aria-label={t('storyboard.shot.duplicate', { n })}
          disabled={!p.canAdd}
          onClick={action('duplicate')}
        >
          {t('storyboard.shot.duplicateShort')}
        </button>
        <button
          type="button"
          class="btn"
          data-focus="remove"
          aria-label={t('storyboard.shot.remove', { n })}
          onClick={action('remove')}
        >
          {t('storyboard.shot.removeShort')}
        </button>
      </div>
    </li>
  );
}

/** Memoised: typing in one shot re-renders that card, not all ten. */
export const ShotCard = memo(ShotCardView);
