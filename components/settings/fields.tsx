import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../lib/i18n';
import type { Settings } from '../../lib/settings';
import { isValidDownloadFolder } from './validate';

/** ids of the help and error texts, for aria-describedby (only those that are on screen). */
function describedBy(id: string, help: boolean, error: boolean): string | undefined {
  const ids = [help && `${id}-help`, error && `${id}-error`].filter(Boolean).join(' ');
  return ids === '' ? undefined : ids;
}

interface TextSettingProps {
  id: string;
  label: string;
  help?: ComponentChildren;
  value: string;
  /** Whether the text may be saved; when not, `invalidText` is shown and nothing is saved. */
  isValid?: (text: string) => boolean;
  /** The reason, fixed or depending on what was typed. */
  invalidText?: string | ((text: string) => string);
  onSave: (text: string) => void;
  type?: 'text' | 'url' | 'number';
  narrow?: boolean;
  min?: number;
  max?: number;
  placeholder?: string;
}

/** A text field saved when the user commits it (Enter or leaving the field), and only when valid. */
export function TextSetting(props: TextSettingProps) {
  const { id, label, help, value, isValid, invalidText, onSave } = props;
  const [draft, setDraft] = useState(value);
  const [invalid, setInvalid] = useState(false);
  // Another page (or a save normalising the text) changed the stored value: show it.
  useEffect(() => {
    setDraft(value);
    setInvalid(false);
  }, [value]);

  const commit = (text: string) => {
    const ok = isValid ? isValid(text) : true;
    setInvalid(!ok);
    if (ok && text.trim() !== value) onSave(text.trim());
  };

  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        class={props.narrow ? 'input input-narrow' : 'input'}
        type={props.type ?? 'text'}
        inputMode={props.type === 'number' ? 'numeric' : undefined}
        min={props.min}
        max={props.max}
        placeholder={props.placeholder}
        spellcheck={false}
        autocomplete="off"
        value={draft}
        aria-invalid={invalid}
        aria-describedby={describedBy(id, help !== undefined, invalid)}
        onInput={(e) => {
          const text = e.currentTarget.value;
          setDraft(text);
          // Once an error is shown, clear it as soon as the text is fixed, not only on the next commit.
          if (invalid && (isValid ? isValid(text) : true)) setInvalid(false);
        }}
        // Not onChange: with preact/compat loaded (zustand imports react) onChange on a text input means
        // every keystroke, and a half-typed value must not be saved or flagged.
        onBlur={(e) => commit(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit(e.currentTarget.value);
        }}
      />
      {help !== undefined && (
        <p class="help" id={`${id}-help`}>
          {help}
        </p>
      )}
      {invalid && invalidText && (
        <p class="field-error" id={`${id}-error`} role="alert">
          {typeof invalidText === 'function' ? invalidText(draft) : invalidText}
        </p>
      )}
    </div>
  );
}

interface ToggleSettingProps {
  id: string;
  label: string;
  help?: string;
  checked: boolean;
  onSave: (checked: boolean) => void;
}

export function ToggleSetting({ id, label, help, checked, onSave }: ToggleSettingProps) {
  return (
    <div class="check">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        aria-describedby={describedBy(id, help !== undefined, false)}
        onChange={(e) => onSave(e.currentTarget.checked)}
      />
      <label for={id}>{label}</label>
      {help !== undefined && (
        <p class="help" id={`${id}-help`}>
          {help}
        </p>
      )}
    </div>
  );
}

interface SelectSettingProps<T extends string> {
  id: string;
  label: string;
  help?: string;
  value: T;
  options: ReadonlyArray<{ value: T; label: string; lang?: string }>;
  onSave: (value: T) => void;
}

export function SelectSetting<T extends string>({
  id,
  label,
  help,
  value,
  options,
  onSave,
}: SelectSettingProps<T>) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select
        id={id}
        class="select"
        value={value}
        aria-describedby={describedBy(id, help !== undefined, false)}
        onChange={(e) => onSave(e.currentTarget.value as T)}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value} lang={o.lang}>
            {o.label}
          </option>
        ))}
      </select>
      {help !== undefined && (
        <p class="help" id={`${id}-help`}>
          {help}
        </p>
      )}
    </div>
  );
}

/** Which file goes next to each download (History's tools and the Settings view offer the same choice). */
export function SidecarSetting({
  id,
  value,
  onSave,
}: {
  id: string;
  value: Settings['sidecar'];
  onSave(value: Settings['sidecar']): void;
}) {
  return (
    <SelectSetting
      id={id}
      label={t('settings.sidecar')}
      value={value}
      options={[
        { value: 'none', label: t('settings.sidecarNone') },
        { value: 'txt', label: t('settings.sidecarTxt') },
        { value: 'json', label: t('settings.sidecarJson') },
      ]}
      onSave={onSave}
    />
  );
}

/** Whether a clean download leaves its share link published. */
export function KeepPublishedSetting({
  id,
  checked,
  onSave,
}: {
  id: string;
  checked: boolean;
  onSave(checked: boolean): void;
}) {
  return (
    <ToggleSetting
      id={id}
      label={t('settings.keepPublished')}
      help={t('settings.keepPublishedHelp')}
      checked={checked}
      onSave={onSave}
    />
  );
}

/** The parse-service download hosts the user allowed (from the Downloads panel), each removable. */
export function TrustedHostsSetting({
  hosts,
  onSave,
}: {
  hosts: readonly string[];
  onSave(hosts: string[]): void;
}) {
  return (
    <div class="field" data-testid="setting-trusted-hosts">
      <span id="setting-trusted-hosts-label">{t('settings.trustedHosts')}</span>
      {hosts.length === 0 ? (
        <p class="help">{t('settings.trustedHostsNone')}</p>
      ) : (
        <ul class="stack" aria-labelledby="setting-trusted-hosts-label">
          {hosts.map((host) => (
            <li key={host} class="sb-row">
              <code>{host}</code>
              <button
                type="button"
                class="btn"
                aria-label={t('settings.trustedHostsRemove', { host })}
                onClick={() => onSave(hosts.filter((h) => h !== host))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The folder under Downloads (History's tools and the Settings view offer the same field). */
export function DownloadFolderSetting({
  id,
  value,
  onSave,
}: {
  id: string;
  value: string;
  onSave(value: string): void;
}) {
  return (
    <TextSetting
      id={id}
      label={t('settings.downloadFolder')}
      help={t('settings.downloadFolderHelp')}
      value={value}
      isValid={isValidDownloadFolder}
      invalidText={t('settings.downloadFolderInvalid')}
      onSave={onSave}
    />
  );
}
