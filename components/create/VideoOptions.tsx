import type { CreateForm, Field, Issue } from '../../lib/create/types';
import { t } from '../../lib/i18n';
import { frameCount, requiresPro } from '../../lib/sora/quota';
import { ModelSelect, OrientationSelect, proOptionLabel, SizeSelect, StyleSelect } from '../FormatSelect';
import { describedBy, FieldIssues } from './FieldIssues';

export const LENGTHS = [10, 15, 25] as const;

interface Props {
  form: CreateForm;
  isPro: boolean;
  issues: Partial<Record<Field, Issue[]>>;
  onChange(patch: Partial<CreateForm>): void;
}

export function VideoOptions({ form, isPro, issues, onChange }: Props) {
  return (
    <fieldset class="field options">
      <legend>{t('create.options.video')}</legend>
      <div class="option-grid">
        <OrientationSelect
          id="create-orientation"
          value={form.orientation}
          onChange={(orientation) => onChange({ orientation })}
        />
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
                  {proOptionLabel(t('create.length.option', { seconds: s }), pro, isPro)}
                </option>
              );
            })}
          </select>
          <FieldIssues id="create-seconds-issues" issues={issues.seconds} />
        </div>
        <ModelSelect
          id="create-model"
          value={form.model}
          isPro={isPro}
          onChange={(model) => onChange({ model })}
          aria={describedBy('create-model-issues', issues.model)}
        >
          <FieldIssues id="create-model-issues" issues={issues.model} />
        </ModelSelect>
        <SizeSelect
          id="create-size"
          value={form.size}
          isPro={isPro}
          onChange={(size) => onChange({ size })}
          aria={describedBy('create-size-issues', issues.size)}
        >
          <FieldIssues id="create-size-issues" issues={issues.size} />
        </SizeSelect>
        <StyleSelect id="create-style" value={form.style ?? null} onChange={(style) => onChange({ style })} />
      </div>
      {!isPro && (
        <p class="muted small" data-testid="pro-hint">
          {t('create.proHint')}
        </p>
      )}
    </fieldset>
  );
}
