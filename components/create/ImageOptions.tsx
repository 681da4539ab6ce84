import { MAX_VARIANTS } from '../../lib/create/build';
import type { CreateForm, Field, ImageSizeId, Issue } from '../../lib/create/types';
import { t } from '../../lib/i18n';
import { IMAGE_SIZES } from '../../lib/sora/quota';
import { describedBy, FieldIssues } from './FieldIssues';

interface Props {
  form: CreateForm;
  issues: Partial<Record<Field, Issue[]>>;
  onChange(patch: Partial<CreateForm>): void;
}

const SIZE_IDS = Object.keys(IMAGE_SIZES) as ImageSizeId[];

export function ImageOptions({ form, issues, onChange }: Props) {
  return (
    <fieldset class="field options">
      <legend>{t('create.options.image')}</legend>
      <div class="option-grid">
        <div class="option">
          <label for="create-image-size">{t('create.imageSize')}</label>
          <select
            id="create-image-size"
            value={form.imageSize}
            onChange={(e) => onChange({ imageSize: e.currentTarget.value as ImageSizeId })}
          >
            {SIZE_IDS.map((id) => (
              <option key={id} value={id}>
                {t('create.imageSize.option', {
                  label: t(`create.imageSize.${id}`),
                  width: IMAGE_SIZES[id].width,
                  height: IMAGE_SIZES[id].height,
                })}
              </option>
            ))}
          </select>
        </div>
        <div class="option">
          <label for="create-variants">{t('create.variants')}</label>
          <select
            id="create-variants"
            value={String(form.variants)}
            onChange={(e) => onChange({ variants: Number(e.currentTarget.value) })}
            {...describedBy('create-variants-issues', issues.variants)}
          >
            {Array.from({ length: MAX_VARIANTS }, (_, i) => i + 1).map((n) => (
              <option key={n} value={String(n)}>
                {n}
              </option>
            ))}
          </select>
          <FieldIssues id="create-variants-issues" issues={issues.variants} />
        </div>
      </div>
    </fieldset>
  );
}
