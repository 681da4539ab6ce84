import type { RangeProblem } from '../../lib/characters/validate';
import { MAX_RANGE_SEC, MIN_RANGE_SEC } from '../../lib/characters/validate';
import { t } from '../../lib/i18n';
import { seconds } from './text';

interface Props {
  idPrefix: string;
  durationSec: number;
  start: string;
  end: string;
  problem: RangeProblem | null;
  onChange(range: { start?: string; end?: string }): void;
}

/** Start and end as number fields (exact) and sliders (quick), kept in step. */
export function RangePicker({ idPrefix, durationSec, start, end, problem, onChange }: Props) {
  const max = seconds(durationSec);
  const s = Number(start);
  const e = Number(end);
  const issueId = `${idPrefix}-range-issue`;
  const hintId = `${idPrefix}-range-hint`;
  const describedBy = problem ? `${hintId} ${issueId}` : hintId;
  const field = (which: 'start' | 'end', value: string) => (
    <div class="ch-range-field">
      <label for={`${idPrefix}-${which}`}>
        {t(which === 'start' ? 'characters.range.start' : 'characters.range.end')}
      </label>
      <input
        id={`${idPrefix}-${which}`}
        type="number"
        inputMode="decimal"
        min="0"
        max={max}
        step="0.1"
        value={value}
        aria-invalid={problem ? true : undefined}
        aria-describedby={describedBy}
        onInput={(ev) => onChange({ [which]: ev.currentTarget.value })}
      />
      <input
        type="range"
        min="0"
        max={max}
        step="0.1"
        value={value === '' ? '0' : value}
        aria-label={t(which === 'start' ? 'characters.range.startSlider' : 'characters.range.endSlider')}
        aria-valuetext={`${value} s`}
        onInput={(ev) => onChange({ [which]: ev.currentTarget.value })}
      />
    </div>
  );
  return (
    <fieldset class="ch-range">
      <legend>{t('characters.range')}</legend>
      <div class="ch-range-fields">
        {field('start', start)}
        {field('end', end)}
      </div>
      <p id={hintId} class="muted small">
        {Number.isFinite(s) && Number.isFinite(e) && e > s
          ? t('characters.range.summary', { start: seconds(s), end: seconds(e), length: seconds(e - s) })
          : t('characters.range.hint', { min: MIN_RANGE_SEC, max: MAX_RANGE_SEC })}
      </p>
      <p id={issueId} class="ch-issue" aria-live="polite">
        {problem &&
          t(`characters.range.error.${problem}`, {
            min: MIN_RANGE_SEC,
            max: MAX_RANGE_SEC,
            sec: max,
          })}
      </p>
    </fieldset>
  );
}
