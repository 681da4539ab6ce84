import type { JobKind } from '../../lib/db/job-record';
import type { DownloadedFilter, OrientationFilter, StatusFilter } from '../../lib/history/search';
import { t } from '../../lib/i18n';
import { useHistory } from '../../lib/stores/history';
import { KIND_LABEL } from './HistoryRow';

const KINDS: JobKind[] = ['video', 'image', 'storyboard', 'remix', 'extend'];

/** `YYYY-MM-DD` of an epoch ms in local time (the date input's format). */
const dayOf = (ms: number | null): string => {
  if (ms === null) return '';
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
/** Start (or end) of a local day from the date input's value. */
const dayStart = (value: string): number | null => (value ? new Date(`${value}T00:00:00`).getTime() : null);
const dayEnd = (value: string): number | null => (value ? new Date(`${value}T23:59:59.999`).getTime() : null);

export function Filters() {
  const filter = useHistory((s) => s.filter);
  const setFilter = useHistory((s) => s.setFilter);
  const resetFilter = useHistory((s) => s.resetFilter);
  const toggleKind = (kind: JobKind) =>
    setFilter({
      kinds: filter.kinds.includes(kind) ? filter.kinds.filter((k) => k !== kind) : [...filter.kinds, kind],
    });
  return (
    <div class="hfilters" data-testid="history-filters">
      <fieldset class="hfilter-kinds">
        <legend>{t('history.filter.kind')}</legend>
        {KINDS.map((kind) => (
          <label key={kind} class="hchip">
            <input type="checkbox" checked={filter.kinds.includes(kind)} onChange={() => toggleKind(kind)} />
            {t(KIND_LABEL[kind])}
          </label>
        ))}
      </fieldset>
      <div class="hfilter-grid">
        <label>
          {t('history.filter.status')}
          <select
            class="select"
            value={filter.status}
            onChange={(e) => setFilter({ status: e.currentTarget.value as StatusFilter })}
          >
            <option value="all">{t('history.filter.any')}</option>
            <option value="ready">{t('history.status.ready')}</option>
            <option value="violation">{t('history.status.violation')}</option>
            <option value="failed">{t('history.status.failed')}</option>
          </select>
        </label>
        <label>
          {t('history.filter.orientation')}
          <select
            class="select"
            value={filter.orientation}
            onChange={(e) => setFilter({ orientation: e.currentTarget.value as OrientationFilter })}
          >
            <option value="all">{t('history.filter.any')}</option>
            <option value="landscape">{t('history.orientation.landscape')}</option>
            <option value="portrait">{t('history.orientation.portrait')}</option>
            <option value="square">{t('history.orientation.square')}</option>
          </select>
        </label>
        <label>
          {t('history.filter.downloaded')}
          <select
            class="select"
            value={filter.downloaded}
            onChange={(e) => setFilter({ downloaded: e.currentTarget.value as DownloadedFilter })}
          >
            <option value="all">{t('history.filter.any')}</option>
            <option value="yes">{t('history.filter.downloadedYes')}</option>
            <option value="no">{t('history.filter.downloadedNo')}</option>
          </select>
        </label>
        <label>
          {t('history.filter.from')}
          <input
            class="input"
            type="date"
            value={dayOf(filter.from)}
            onChange={(e) => setFilter({ from: dayStart(e.currentTarget.value) })}
          />
        </label>
        <label>
          {t('history.filter.to')}
          <input
            class="input"
            type="date"
            value={dayOf(filter.to)}
            onChange={(e) => setFilter({ to: dayEnd(e.currentTarget.value) })}
          />
        </label>
      </div>
      <button type="button" class="btn" onClick={resetFilter}>
        {t('history.filter.clear')}
      </button>
    </div>
  );
}
