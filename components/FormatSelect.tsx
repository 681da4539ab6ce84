/**
 * The video format controls shared by Create and the storyboard editor: orientation, model, size and style
 * selects, with Pro-only options shown disabled and their reason in the label. Each view keeps its own ids
 * (both views stay mounted) and its own way of listing a field's problems (passed as children).
 */
import type { ComponentChildren } from 'preact';
import { type MessageKey, t } from '../lib/i18n';
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
} from '../lib/sora/quota';

/** An option that needs Pro is shown, disabled, with the reason in its label. */
export function proOptionLabel(label: string, pro: boolean, isPro: boolean): string {
  return pro && !isPro ? t('create.proOption', { label }) : label;
}

interface SelectProps<T extends string> {
  id: string;
  value: T;
  onChange(value: T): void;
  isPro: boolean;
  /** `aria-describedby` / `aria-invalid` of the select (the field's messages, a hint). */
  aria?: { 'aria-describedby'?: string; 'aria-invalid'?: true };
  /** The field's messages, below the select. */
  children?: ComponentChildren;
}

interface ChoiceProps<T extends string> extends SelectProps<T> {
  label: MessageKey;
  choices: readonly T[];
  text(choice: T): string;
  pro?(choice: T): boolean;
  /** Keeps the current value selectable even when it needs Pro (a board saved on a Pro account). */
  keepCurrent?: boolean;
}

function Choice<T extends string>(p: ChoiceProps<T>) {
  return (
    <div class="option">
      <label for={p.id}>{t(p.label)}</label>
      <select id={p.id} value={p.value} onChange={(e) => p.onChange(e.currentTarget.value as T)} {...p.aria}>
        {p.choices.map((c) => {
          const pro = p.pro?.(c) ?? false;
          const locked = pro && !p.isPro && !(p.keepCurrent && c === p.value);
          return (
            <option key={c} value={c} disabled={locked}>
              {proOptionLabel(p.text(c), pro, p.isPro)}
            </option>
          );
        })}
      </select>
      {p.children}
    </div>
  );
}

export function OrientationSelect(p: Omit<SelectProps<Orientation>, 'isPro'>) {
  return (
    <Choice
      {...p}
      isPro
      label="create.orientation"
      choices={ORIENTATIONS}
      text={(o) => t(`create.orientation.${o}`)}
    />
  );
}

export function ModelSelect(p: SelectProps<VideoModel> & { keepCurrent?: boolean }) {
  return (
    <Choice
      {...p}
      label="create.model"
      choices={VIDEO_MODELS}
      text={(m) => t(`create.model.${m}`)}
      pro={(m) => requiresPro({ model: m })}
    />
  );
}

export function SizeSelect(p: SelectProps<VideoSize> & { keepCurrent?: boolean }) {
  return (
    <Choice
      {...p}
      label="create.size"
      choices={VIDEO_SIZES}
      text={(s) => t(`create.size.${s}`)}
      pro={(s) => requiresPro({ size: s })}
    />
  );
}

/** Style: "none" is the empty value. */
export function StyleSelect({
  id,
  value,
  onChange,
}: {
  id: string;
  value: StyleId | null;
  onChange(value: StyleId | null): void;
}) {
  return (
    <div class="option">
      <label for={id}>{t('create.style')}</label>
      <select
        id={id}
        value={value ?? ''}
        onChange={(e) => {
          const v = e.currentTarget.value;
          onChange(v === '' ? null : (v as StyleId));
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
  );
}
