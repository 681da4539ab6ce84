import type { CreateForm, Field, Issue } from '../../lib/create/types';
import { t } from '../../lib/i18n';
import { frameCount, requiresPro, STYLE_IDS, VIDEO_MODELS, VIDEO_SIZES } from '../../lib/sora/quota';
import { describedBy, FieldIssues } from './FieldIssues';

export const LENGTHS = [10, 15, 25] as const;

interface Props {
  form: CreateForm;
  isPro: boolean;
  issues: Partial<Record<Field, Issue[]>>;
  onChange(patch: Partial<CreateForm>): void;
}

/** An option that needs Pro is shown, disabled, with the reason in its label. */
function optionLabel(label: string, pro: boolean, isPro: boolean): string {
  return pro && !isPro ? t('create.proOption', { label }) : label;
}

export function VideoOptions({ form, isPro, issues, onChange }: Props) {
  return (
    <fieldset class="field options">
      <legend>{t('create.options.video')}</legend>
      <div class="option-grid">
        <div class="option">
          <label for="create-orientation">{t('create.orientation')}</label>
          <select
            id="create-orientation"
            value={form.orientation}
            onChange={(e) => onChange({ orientation: e.currentTarget.value as CreateForm['orientation'] })}
          >
            <option value="landscape">{t('create.orientation.landscape')}</option>
            <option value="portrait">{t('create.orientation.portrait')}</option>
          </select>
        </div>
        <div class="option">
          <label for="create-seconds">{t('create.length')}</label>
          <select
            id="create-seconds"
            value={String(form.seconds)}
            onChange={(e) => onChange({ seconds: Number(e.currentTarget.value) })}
            {...describedBy('create-seconds-issues', issues.seconds)}
          >
            {LENGTHS.map((s) => {
              const pro = requiresPro({ nFrames: frameCount(s) });
              return (
                <option key={s} value={String(s)} disabled={pro && !isPro}>
                  {optionLabel(t('create.length.option', { seconds: s }), pro, isPro)}
                </option>
              );
            })}
          </select>
          <FieldIssues id="create-seconds-issues" issues={issues.seconds} />
        </div>
        <div class="option">
          <label for="create-model">{t('create.model')}</label>
          <select
            id="create-model"
            value={form.model}
            onChange={(e) => onChange({ model: e.currentTarget.value as CreateForm['model'] })}
            {...describedBy('create-model-issues', issues.model)}
          >
            {VIDEO_MODELS.map((m) => {
              const pro = requiresPro({ model: m });
              return (
                <option key={m} value={m} disabled={pro && !isPro}>
                  {optionLabel(t(`create.model.${m}`), pro, isPro)}
                </option>
              );
            })}
          </select>
          <FieldIssues id="create-model-issues" issues={issues.model} />
        </div>
        <div class="option">
          <label for="create-size">{t('create.size')}</label>
          <select
            id="create-size"
            value={form.size}
            onChange={(e) => onChange({ size: e.currentTarget.value as CreateForm['size'] })}
            {...describedBy('create-size-issues', issues.size)}
          >
            {VIDEO_SIZES.map((s) => {
              const pro = requiresPro({ size: s });
              return (
                <option key={s} value={s} disabled={pro && !isPro}>
                  {optionLabel(t(`create.size.${s}`), pro, isPro)}
                </option>
              );
            })}
          </select>
          <FieldIssues id="create-size-issues" issues={issues.size} />
        </div>
        <div class="option">
          <label for="create-style">{t('create.style')}</label>
          <select
            id="create-style"
            value={form.style ?? ''}
            onChange={(e) => {
              const v = e.currentTarget.value;
              onChange({ style: v === '' ? null : (v as CreateForm['style']) });
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
      {!isPro && (
        <p class="muted small" data-testid="pro-hint">
          {t('create.proHint')}
        </p>
      )}
    </fieldset>
  );
}
