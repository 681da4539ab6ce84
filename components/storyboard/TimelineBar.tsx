import { useMemo } from 'preact/hooks';
import { t } from '../../lib/i18n';
import { useStoryboard } from '../../lib/stores/storyboard';
import { canFitToLength, fitToLength, MIN_SHOT_S, type Storyboard, timeline } from '../../lib/storyboard';
import { secs, type ViewIssue } from './issues';

/**
 * The live bar (the total-length issue is this status line, so it is not repeated below it): each shot's share of the video, the video's length marked on it, and the seconds left or
 * too many in words. "Fit to length" spreads the difference over the shots in proportion to their length.
 */
export function TimelineBar({
  storyboard,
  issues,
}: {
  storyboard: Storyboard;
  issues: readonly ViewIssue[];
}) {
  const edit = useStoryboard((s) => s.edit);
  const line = useMemo(() => timeline(storyboard), [storyboard]);
  const fits = line.remainingS === 0 && line.excessS === 0;
  const canFit = canFitToLength(storyboard);
  const fitted = useMemo(() => fitToLength(storyboard), [storyboard]);
  // Already on the grid and adding up: nothing for the button to do.
  const nothingToDo = fitted === storyboard;
  let status: string;
  let state: 'fits' | 'under' | 'over';
  if (fits) {
    status = t('storyboard.timeline.fits', { length: secs(line.lengthS) });
    state = 'fits';
  } else if (line.excessS > 0) {
    status = t('storyboard.timeline.over', {
      total: secs(line.totalS),
      length: secs(line.lengthS),
      excess: secs(line.excessS),
    });
    state = 'over';
  } else {
    status = t('storyboard.timeline.under', {
      total: secs(line.totalS),
      length: secs(line.lengthS),
      remaining: secs(line.remainingS),
    });
    state = 'under';
  }
  const why =
    !canFit && storyboard.shots.length > 0
      ? t('storyboard.timeline.cannotFit', {
          count: storyboard.shots.length,
          length: secs(line.lengthS),
          min: secs(MIN_SHOT_S),
        })
      : null;
  return (
    <section class="sb-timeline card" aria-labelledby="sb-timeline-heading">
      <h2 id="sb-timeline-heading">{t('storyboard.timeline.title')}</h2>
      <div class="sb-track" aria-hidden="true" data-testid="sb-track">
        {line.shots.map((s) => (
          <span
            key={s.id}
            class={`sb-segment sb-segment-${s.index % 4}${s.exceedsLength ? ' sb-segment-over' : ''}`}
            style={{ left: `${s.offset * 100}%`, width: `${s.share * 100}%` }}
            title={t('storyboard.shot.title', { n: s.index + 1 })}
          >
            {s.share > 0.08 ? s.index + 1 : ''}
          </span>
        ))}
        {line.lengthMark < 1 && <span class="sb-length-mark" style={{ left: `${line.lengthMark * 100}%` }} />}
      </div>
      <div class="sb-timeline-foot">
        <p
          id="sb-timeline-status"
          class={`sb-timeline-status sb-${state}`}
          data-invalid={issues.length > 0 ? 'true' : undefined}
          data-testid="sb-timeline-status"
          data-state={state}
          aria-live="polite"
        >
          {status}
        </p>
        <button
          type="button"
          id="sb-fit"
          class="btn"
          disabled={!canFit || nothingToDo}
          aria-describedby={why ? 'sb-fit-why' : 'sb-timeline-status'}
          onClick={() => edit(fitToLength)}
        >
          {t('storyboard.timeline.fit')}
        </button>
      </div>
      {why && (
        <p id="sb-fit-why" class="muted small">
          {why}
        </p>
      )}
    </section>
  );
}
