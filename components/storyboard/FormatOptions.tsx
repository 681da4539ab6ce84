import { t } from '../../lib/i18n';
import {
  ORIENTATIONS,
  type Orientation,
  requiresPro,
  STYLE_IDS,
  type StyleId,
  VIDEO_MODELS,
  VIDEO_SIZES,
  type VideoModel,
  type VideoSize,
} from '../../lib/sora/quota';
import { useStoryboard } from '../../lib/stores/storyboard';
import { framesFor, type StoryboardLength, type StoryboardOptions } from '../../lib/storyboard';
import { IssueList, secs, type ViewIssue } from './issues';

/** The lengths the editor offers; 5 s only appears for a board that already has it (pasted, reopened). */
const OFFERED: readonly StoryboardLength[] = [10, 15, 25];

interface Props {
  lengthS: StoryboardLength;
  options: StoryboardOptions;
  isPro: boolean;
  issues: readonly ViewIssue[];
}

function proLabel(label: string, pro: boolean, isPro: boolean): string {
  return pro && !isPro ? t('create.proOption', { label }) : label;
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
        <div class="option">
          <label for="sb-orientation">{t('create.orientation')}</label>
          <select
            id="sb-orientation"
            value={options.orientation}
            onChange={(e) => setOptions({ orientation: e.currentTarget.value as Orientation })}
          >
            {ORIENTATIONS.map((o) => (
              <option key={o} value={o}>
                {t(`create.orientation.${o}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="option">
          <label for="sb-model">{t('create.model')}</label>
          <select
            id="sb-model"
            value={options.model}
            aria-invalid={modelIssues.length > 0 ? true : undefined}
            aria-describedby={modelIssues.length > 0 ? 'sb-model-issues' : undefined}
            onChange={(e) => setOptions({ model: e.currentTarget.value as VideoModel })}
          >
            {VIDEO_MODELS.map((m) => {
              const pro = requiresPro({ model: m });
              return (
                <option key={m} value={m} disabled={pro && !isPro && options.model !== m}>
                  {proLabel(t(`create.model.${m}`), pro, isPro)}
                </option>
              );
            })}
          </select>
          <IssueList id="sb-model-issues" issues={modelIssues} />
        </div>
        <div class="option">
          <label for="sb-size">{t('create.size')}</label>
          <select
            id="sb-size"
            value={options.size}
            aria-invalid={sizeIssues.length > 0 ? true : undefined}
            aria-describedby={sizeIssues.length > 0 ? 'sb-size-issues' : undefined}
            onChange={(e) => setOptions({ size: e.currentTarget.value as VideoSize })}
          >
            {VIDEO_SIZES.map((s) => {
              const pro = requiresPro({ size: s });
              return (
                <option key={s} value={s} disabled={pro && !isPro && options.size !== s}>
                  {proLabel(t(`create.size.${s}`), pro, isPro)}
                </option>
              );
            })}
          </select>
          <IssueList id="sb-size-issues" issues={sizeIssues} />
        </div>
        <div class="option">
          <label for="sb-style">{t('create.style')}</label>
          <select
            id="sb-style"
            value={options.styleId ?? ''}
            onChange={(e) => {
              const v = e.currentTarget.value;
              setOptions({ styleId: v === '' ? null : (v as StyleId) });
            }}
          >
            <option value="">{t('create.style.none')}</option>
            {STYLE_IDS.map((s) => (
              <option key={s} value={s}>
                {t(`create.style.${s}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
    </section>
  );
}
