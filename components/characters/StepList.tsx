import { type CharacterRecord, STEP_ORDER, stepIndex } from '../../lib/characters/model';
import { t } from '../../lib/i18n';
import { nameOf, stepText } from './text';

/** The six steps, the current one marked; the processing step carries Sora's progress. */
export function StepList({ record }: { record: CharacterRecord }) {
  const current = stepIndex(record);
  const failed = record.state === 'failed';
  const name = nameOf(record);
  return (
    <ol class="ch-steps" aria-label={t('characters.steps', { name })}>
      {STEP_ORDER.slice(0, -1).map((state, i) => {
        const status = i < current ? 'done' : i === current ? (failed ? 'failed' : 'current') : 'todo';
        return (
          <li
            key={state}
            class={`ch-step ch-step-${status}`}
            aria-current={i === current ? 'step' : undefined}
          >
            <span class="ch-step-mark" aria-hidden="true">
              {status === 'done' ? '✓' : status === 'failed' ? '!' : i + 1}
            </span>
            <span>{stepText(record, state)}</span>
            {state === 'processing' && status === 'current' && (
              <progress
                class="ch-progress"
                max={1}
                value={record.progress ?? undefined}
                aria-label={t('characters.progressOf', { name })}
              />
            )}
          </li>
        );
      })}
    </ol>
  );
}
