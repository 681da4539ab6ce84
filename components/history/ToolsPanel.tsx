import { useEffect } from 'preact/hooks';
import { t } from '../../lib/i18n';
import { useHistory } from '../../lib/stores/history';
import { useSettings } from '../../lib/stores/settings';
import { useStorage } from '../../lib/stores/storage';
import {
  DownloadFolderSetting,
  KeepPublishedSetting,
  SidecarSetting,
  ToggleSetting,
} from '../settings/fields';
import '../settings/forms.css';
import { FilenameTemplateField } from './FilenameTemplateField';

/** Saves text as a file through the page (exports are small text; no download permission involved). */
function saveText(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const MB = 1024 * 1024;
const formatBytes = (n: number) =>
  n >= 1024 * MB ? `${(n / 1024 / MB).toFixed(1)} GB` : `${(n / MB).toFixed(n < 10 * MB ? 1 : 0)} MB`;

/**
 * How much the extension stores. Not whether `persist()` was granted: Chrome may refuse it to an extension page,
 * yet never evicts an origin with `unlimitedStorage` (Firefox grants it with that permission).
 */
function StorageUse() {
  const use = useStorage((s) => s.use);
  if (!use) return null;
  return (
    <p class="muted" data-testid="storage-use">
      {use.usage === null ? t('storage.unknown') : t('storage.use', { used: formatBytes(use.usage) })}{' '}
      {t('storage.kept')}
    </p>
  );
}

/** Export / import of history, and the download settings (folder, names, sidecar, keep published). */
export function ToolsPanel() {
  const selection = useHistory((s) => s.selection);
  const { exportFile, importFile } = useHistory.getState();
  const settings = useSettings((s) => s.settings);
  const save = useSettings((s) => s.save);
  const startSettings = useSettings((s) => s.start);
  useEffect(() => startSettings(), [startSettings]);
  const exportAs = async (format: 'json' | 'csv') => {
    const file = await exportFile(format, selection.size > 0);
    saveText(file.name, file.text, file.type);
  };
  return (
    <details
      class="card htools"
      onToggle={(e) => {
        if (e.currentTarget.open) void useStorage.getState().refreshUse();
      }}
    >
      <summary>{t('history.tools')}</summary>
      <div class="stack">
        <div class="row">
          <button
            type="button"
            class="btn"
            data-testid="history-export-json"
            onClick={() => void exportAs('json')}
          >
            {selection.size > 0
              ? t('history.exportSelectedJson', { count: selection.size })
              : t('history.exportJson')}
          </button>
          <button type="button" class="btn" onClick={() => void exportAs('csv')}>
            {selection.size > 0
              ? t('history.exportSelectedCsv', { count: selection.size })
              : t('history.exportCsv')}
          </button>
          <label class="btn hfile">
            {t('history.importFile')}
            <input
              type="file"
              class="visually-hidden"
              accept=".json,.csv,application/json,text/csv"
              data-testid="history-import-file"
              onChange={(e) => {
                const file = e.currentTarget.files?.[0];
                e.currentTarget.value = '';
                if (file) void importFile(file);
              }}
            />
          </label>
        </div>
        <StorageUse />
        {settings && (
          <>
            <ToggleSetting
              id="history-auto-export"
              label={t('settings.autoExport')}
              help={t('settings.autoExportHelp')}
              checked={settings.autoExport}
              onSave={(autoExport) => void save({ autoExport })}
            />
            <DownloadFolderSetting
              id="history-folder"
              value={settings.downloadFolder}
              onSave={(downloadFolder) => void save({ downloadFolder })}
            />
            <FilenameTemplateField
              id="history-template"
              value={settings.filenameTemplate}
              folder={settings.downloadFolder}
              onSave={(filenameTemplate) => void save({ filenameTemplate })}
            />
            <SidecarSetting
              id="history-sidecar"
              value={settings.sidecar}
              onSave={(sidecar) => void save({ sidecar })}
            />
            <KeepPublishedSetting
              id="history-keep"
              checked={settings.keepPublished}
              onSave={(keepPublished) => void save({ keepPublished })}
            />
          </>
        )}
      </div>
    </details>
  );
}
