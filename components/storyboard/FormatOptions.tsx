import { t } from '../../lib/i18n';
import { requiresPro } from '../../lib/sora/quota';
import { useStoryboard } from '../../lib/stores/storyboard';
import { framesFor, type StoryboardLength, type StoryboardOptions } from '../../lib/storyboard';
import { ModelSelect, OrientationSelect, SizeSelect, StyleSelect } from '../FormatSelect';
import { IssueList, secs, type ViewIssue } from './issues';

/** The lengths the editor offers; 5 s only appears for a board that already has it (pasted, reopened). */
const OFFERED: readonly StoryboardLength[] = [10, 15, 25];

interface Props {
  lengthS: StoryboardLength;
  options: StoryboardOptions;
  isPro: boolean;
  issues: readonly ViewIssue[];
}

/** aria for a select whose problems are listed under `id`. */
function invalidIf(issues: readonly ViewIssue[], id: string) {
  return issues.length > 0 ? ({ 'aria-invalid': true, 'aria-describedby': id } as const) : {};
}

function LengthChoice({
  lengthS,
  isPro,
  issues,
}: {
  lengthS: StoryboardLength;
  isPro: boolean;
  issues: readonly ViewIssue[];
}) {
  const edit = useStoryboard((s) => s.edit);
  const lengths = OFFERED.includes(lengthS) ? OFFERED : [lengthS, ...OFFERED];
  const described = [!isPro ? 'sb-length-pro' : '', issues.length > 0 ? 'sb-length-issues' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <fieldset class="sb-length">
      <legend id="sb-length-legend">{t('storyboard.length')}</legend>
      <div
        class="sb-segmented"
        id="sb-length-group"
        role="radiogroup"
        aria-labelledby="sb-length-legend"
        aria-describedby={described || undefined}
        tabIndex={-1}
      >
        {lengths.map((s) => {
          const locked = requiresPro({ nFrames: framesFor(s) }) && !isPro;
          return (
            <label key={s} class={locked ? 'sb-seg sb-seg-locked' : 'sb-seg'}>
              <input
                type="radio"
                name="sb-length"
                value={String(s)}
                checked={lengthS === s}
                disabled={locked}
                onChange={() => edit((sb) => ({ ...sb, lengthS: s }))}
              />
              <span>{secs(s)}</span>
            </label>
          );
        })}
      </div>
      {!isPro && (
        <p id="sb-length-pro" class="muted small" data-testid="sb-length-pro">
          {t('storyboard.proLength')}
        </p>
      )}
      <IssueList id="sb-length-issues" issues={issues} />
    </fieldset>
  );
}

/** Length, orientation, model, size and style: the video's format, above the shots. */
export function FormatOptions({ lengthS, options, isPro, issues }: Props) {
  const setOptions = useStoryboard((s) => s.setOptions);
  const at = (place: ViewIssue['place']) => issues.filter((i) => i.place === place);
  const modelIssues = at('model');
  const sizeIssues = at('size');
  return (
    <section class="sb-format card" aria-labelledby="sb-format-heading">
      <h2 id="sb-format-heading">{t('storyboard.format')}</h2>
      <LengthChoice lengthS={lengthS} isPro={isPro} issues={at('length')} />
      <div class="option-grid">
        <OrientationSelect
          id="sb-orientation"
          value={options.orientation}
          onChange={(orientation) => setOptions({ orientation })}
        />
        <ModelSelect
          id="sb-model"
          value={options.model}
          isPro={isPro}
          keepCurrent
          onChange={(model) => setOptions({ model })}
          aria={invalidIf(modelIssues, 'sb-model-issues')}
        >
          <IssueList id="sb-model-issues" issues={modelIssues} />
        </ModelSelect>
        <SizeSelect
          id="sb-size"
          value={options.size}
          isPro={isPro}
          keepCurrent
          onChange={(size) => setOptions({ size })}
          aria={invalidIf(sizeIssues, 'sb-size-issues')}
        >
          <IssueList id="sb-size-issues" issues={sizeIssues} />
        </SizeSelect>
        <StyleSelect id="sb-style" value={options.styleId} onChange={(styleId) => setOptions({ styleId })} />
      </div>
    </section>
  );
}
