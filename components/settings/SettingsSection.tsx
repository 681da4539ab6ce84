import { useEffect } from 'preact/hooks';
import { templateProblem } from '../../lib/history/filename';
import { t } from '../../lib/i18n';
import { DEFAULT_SETTINGS, type Settings } from '../../lib/settings';
import { useSettings } from '../../lib/stores/settings';
import { ErrorNotice } from '../ErrorNotice';
import { templateProblemText } from '../history/FilenameTemplateField';
import {
  DownloadFolderSetting,
  KeepPublishedSetting,
  SelectSetting,
  SidecarSetting,
  TextSetting,
  ToggleSetting,
  TrustedHostsSetting,
} from './fields';
import './forms.css';
import { PATIENCE_SEC } from '../../lib/util/patience';
import { isValidParseServiceUrl, parseConcurrency, parsePatience } from './validate';

/** Every setting, each saved as soon as it is committed; other open pages follow through storage. */
export function SettingsSection() {
  const { settings, saving, savedAt, error, save, start } = useSettings();
  useEffect(() => start(), [start]);
  const update = (patch: Partial<Settings>) => void save(patch);
  return (
    <section class="card" aria-labelledby="settings-title" data-testid="settings">
      <h2 id="settings-title">{t('settings.title')}</h2>
      {settings === null ? (
        <p class="muted">{t('common.loading')}</p>
      ) : (
        <SettingsFields settings={settings} update={update} />
      )}
      {error && <ErrorNotice error={error} />}
      <p class="muted small" aria-live="polite" data-testid="settings-saved">
        {saving ? t('settings.saving') : savedAt !== null ? t('settings.saved') : ''}
      </p>
    </section>
  );
}

function SettingsFields({
  settings,
  update,
}: {
  settings: Settings;
  update: (p: Partial<Settings>) => void;
}) {
  return (
    <div class="stack">
      <SelectSetting
        id="setting-language"
        label={t('settings.language')}
        value={settings.language}
        options={[
          { value: 'auto', label: t('settings.languageAuto') },
          { value: 'en', label: t('settings.languageEn'), lang: 'en' },
          { value: 'zh_CN', label: t('settings.languageZh'), lang: 'zh-CN' },
        ]}
        onSave={(language) => update({ language })}
      />
      <TextSetting
        id="setting-concurrency"
        label={t('settings.concurrency')}
        help={t('settings.concurrencyHelp')}
        type="number"
        narrow
        min={1}
        max={10}
        value={String(settings.concurrency)}
        isValid={(text) => parseConcurrency(text) !== undefined}
        invalidText={t('settings.concurrencyInvalid')}
        onSave={(text) => {
          const concurrency = parseConcurrency(text);
          if (concurrency !== undefined) update({ concurrency });
        }}
      />
      <TextSetting
        id="setting-patience"
        label={t('settings.patience')}
        help={t('settings.patienceHelp')}
        type="number"
        narrow
        min={PATIENCE_SEC.min}
        max={PATIENCE_SEC.max}
        value={String(settings.patienceSec)}
        isValid={(text) => parsePatience(text) !== undefined}
        invalidText={t('settings.patienceInvalid')}
        onSave={(text) => {
          const patienceSec = parsePatience(text);
          if (patienceSec !== undefined) update({ patienceSec });
        }}
      />
      <ToggleSetting
        id="setting-notifications"
        label={t('settings.notifications')}
        checked={settings.notifications}
        onSave={(notifications) => update({ notifications })}
      />
      <DownloadFolderSetting
        id="setting-download-folder"
        value={settings.downloadFolder}
        onSave={(downloadFolder) => update({ downloadFolder })}
      />
      <TextSetting
        id="setting-filename-template"
        label={t('settings.filenameTemplate')}
        help={
          <>
            {t('settings.filenameTemplateHelp')} <code>{DEFAULT_SETTINGS.filenameTemplate}</code>
          </>
        }
        value={settings.filenameTemplate}
        isValid={(text) => templateProblem(text) === null}
        invalidText={(text) => {
          const problem = templateProblem(text);
          return problem ? templateProblemText(problem) : '';
        }}
        onSave={(filenameTemplate) => update({ filenameTemplate })}
      />
      <SidecarSetting
        id="setting-sidecar"
        value={settings.sidecar}
        onSave={(sidecar) => update({ sidecar })}
      />
      <KeepPublishedSetting
        id="setting-keep-published"
        checked={settings.keepPublished}
        onSave={(keepPublished) => update({ keepPublished })}
      />
      <TextSetting
        id="setting-parse-service"
        label={t('settings.parseServiceUrl')}
        help={t('settings.parseServiceUrlHelp')}
        type="url"
        placeholder="https://"
        value={settings.parseServiceUrl}
        isValid={isValidParseServiceUrl}
        invalidText={t('settings.parseServiceUrlInvalid')}
        onSave={(parseServiceUrl) => update({ parseServiceUrl })}
      />
      <TrustedHostsSetting
        hosts={settings.trustedMediaHosts}
        onSave={(trustedMediaHosts) => update({ trustedMediaHosts })}
      />
      <p class="help">{t('settings.shortcuts')}</p>
    </div>
  );
}
