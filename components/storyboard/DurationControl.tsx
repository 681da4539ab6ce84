import { t } from '../../lib/i18n';
import { DURATION_STEP_S, MIN_SHOT_S, snapDuration } from '../../lib/storyboard';
import { formatNumber, secs } from './issues';

interface Props {
  shotId: string;
  /** 1-based, for the accessible names. */
  n: number;
  durationS: number;
  maxS: number;
  describedBy?: string;
  invalid: boolean;
  onChange(durationS: number): void;
}

/** − / slider / + for one shot's duration, in 0.5 s steps between the minimum and the video's length. */
export function DurationControl({ shotId, n, durationS, maxS, describedBy, invalid, onChange }: Props) {
  const valid = Number.isFinite(durationS);
  // Off-grid durations (pasted "2.3sec") snap on the first step, so − and + always land on the grid.
  const shorter = Math.min(maxS, Math.max(MIN_SHOT_S, snapDuration(durationS - DURATION_STEP_S)));
  const longer = Math.min(maxS, valid ? snapDuration(durationS + DURATION_STEP_S) : MIN_SHOT_S);
  const step = secs(DURATION_STEP_S);
  return (
    <fieldset class="sb-duration">
      <legend class="visually-hidden">{t('storyboard.shot.durationGroup', { n })}</legend>
      <button
        type="button"
        class="btn btn-icon"
        data-focus="shorter"
        aria-label={t('storyboard.shot.shorter', { n, step })}
        title={t('storyboard.shot.shorter', { n, step })}
        disabled={valid && durationS <= MIN_SHOT_S}
        onClick={() => onChange(shorter)}
      >
        <span aria-hidden="true">−</span>
      </button>
      <input
        id={`sb-duration-${shotId}`}
        type="range"
        data-focus="slider"
        min={MIN_SHOT_S}
        max={maxS}
        step={DURATION_STEP_S}
        value={valid ? Math.min(maxS, Math.max(MIN_SHOT_S, durationS)) : MIN_SHOT_S}
        aria-label={t('storyboard.shot.duration', { n })}
        aria-valuetext={valid ? secs(durationS) : t('storyboard.shot.durationUnset')}
        aria-describedby={describedBy}
        aria-invalid={invalid ? true : undefined}
        onInput={(e) => onChange(Number(e.currentTarget.value))}
      />
      <button
        type="button"
        class="btn btn-icon"
        data-focus="longer"
        aria-label={t('storyboard.shot.longer', { n, step })}
        title={t('storyboard.shot.longer', { n, step })}
        disabled={valid && durationS >= maxS}
        onClick={() => onChange(longer)}
      >
        <span aria-hidden="true">+</span>
      </button>
      <output class="sb-duration-value" data-testid="sb-duration-value" for={`sb-duration-${shotId}`}>
        {valid ? t('storyboard.seconds', { s: formatNumber(durationS) }) : '—'}
      </output>
    </fieldset>
  );
}
