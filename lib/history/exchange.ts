/**
 * History as a file: JSON (everything that describes an item) or CSV (for spreadsheets), and back. Only
 * prompts and settings travel: never a token, never a signed media URL (they expire anyway; an imported
 * item gets fresh URLs from Sora when it is shown). Importing merges by generation id, so importing the
 * same file twice, or a file that overlaps history, adds nothing twice.
 */
import { CsvError, parseCsv } from '../create/csv';
import { textProblem } from '../create/import';
import type { HistoryItem, HistoryOrientation, HistoryStatus } from '../db/history-record';
import { JOB_KINDS, type JobKind } from '../db/job-record';
import type { MessageKey } from '../i18n';
import { isGenerationId } from '../sora/ids';
import { orientationOf } from './fields';

export const EXPORT_FORMAT = 'companion-for-sora.history';
export const EXPORT_VERSION = 1;
const MAX_PROMPT = 10_000;
const MAX_ID = 200;

/** One item in a file. Whitelisted fields only. */
export interface ExportRecord {
  id: string;
  taskId?: string;
  kind: JobKind;
  status: Exclude<HistoryStatus, 'deleted'>;
  createdAt: string;
  prompt: string;
  title?: string;
  orientation?: HistoryOrientation;
  width?: number;
  height?: number;
  durationS?: number;
  settings: Record<string, unknown>;
  source?: 'extension' | 'sora' | 'file';
  reason?: string;
  downloadedAt?: string;
}

/** Settings keys that may travel (the engine's request parameters). Anything else stays home. */
const SETTING_KEYS = [
  'orientation',
  'nFrames',
  'model',
  'size',
  'styleId',
  'cameoIds',
  'remixTargetId',
  'title',
  'width',
  'height',
  'nVariants',
  'hasStartImage',
  'sourceGenerationId',
  'sourceHistoryId',
  'sourceDurationS',
  'sourceLabel',
  'extensionSeconds',
];

function settingsOf(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const v = params[key];
    if (v === undefined) continue;
    if (['string', 'number', 'boolean'].includes(typeof v) || v === null) out[key] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[key] = [...v];
  }
  return out;
}

export function toExportRecord(item: HistoryItem): ExportRecord {
  const orientation = orientationOf(item);
  return {
    id: item.id,
    ...(item.taskId ? { taskId: item.taskId } : {}),
    kind: item.kind,
    status: item.status === 'deleted' ? 'ready' : item.status,
    createdAt: new Date(item.createdAt).toISOString(),
    prompt: item.prompt,
    ...(item.title ? { title: item.title } : {}),
    ...(orientation ? { orientation } : {}),
    ...(item.width === undefined ? {} : { width: item.width }),
    ...(item.height === undefined ? {} : { height: item.height }),
    ...(item.durationS === undefined ? {} : { durationS: item.durationS }),
    settings: settingsOf(item.params),
    ...(item.source ? { source: item.source } : {}),
    ...(item.reason ? { reason: item.reason } : {}),
    ...(item.downloadedAt === undefined ? {} : { downloadedAt: new Date(item.downloadedAt).toISOString() }),
  };
}

export function exportJson(items: readonly HistoryItem[], now = Date.now()): string {
  const records = items.filter((i) => i.status !== 'deleted').map(toExportRecord);
  return `${JSON.stringify({ format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt: new Date(now).toISOString(), items: records }, null, 1)}\n`;
}

const CSV_COLUMNS = [
  'id',
  'task_id',
  'kind',
  'status',
  'created_at',
  'prompt',
  'title',
  'orientation',
  'width',
  'height',
  'duration_s',
  'source',
  'downloaded_at',
  'settings_json',
] as const;

/** Quotes a cell; cells a spreadsheet would run as a formula get a leading apostrophe. */
function csvCell(value: unknown): string {
  let s = value === undefined || value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n;]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function exportCsv(items: readonly HistoryItem[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const item of items) {
    if (item.status === 'deleted') continue;
    const r = toExportRecord(item);
    lines.push(
      [
        r.id,
        r.taskId,
        r.kind,
        r.status,
        r.createdAt,
        r.prompt,
        r.title,
        r.orientation,
        r.width,
        r.height,
        r.durationS,
        r.source,
        r.downloadedAt,
        JSON.stringify(r.settings),
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** Larger files are not history exports (10,000 items export to a few MB); reading them would stall the page. */
export const MAX_HISTORY_FILE_BYTES = 20 * 1024 * 1024;

/** Why a file is refused: `key` is the reason in the user's language, `message` the English fallback. */
export class ImportFileError extends Error {
  constructor(
    readonly reason: 'format' | 'empty',
    message: string,
    readonly key: MessageKey = reason === 'empty'
      ? 'history.fileImport.reason.empty'
      : 'history.fileImport.reason.format',
    readonly params: Record<string, string | number> = {},
  ) {
    super(message);
    this.name = 'ImportFileError';
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};
const time = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isFinite(v)) return v < 1e12 ? v * 1000 : v;
  const s = str(v);
  if (s === undefined) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
};
const unformula = (s: string | undefined) => (s !== undefined && /^'[=+\-@\t\r]/.test(s) ? s.slice(1) : s);

/** A record from a file as a history item, or null when it is not one (no usable id). */
export function fromRecord(raw: Record<string, unknown>, now: number): HistoryItem | null {
  const id = unformula(str(raw.id))?.trim();
  if (!id || id.length > MAX_ID || /\s/.test(id)) return null;
  const kind = (JOB_KINDS as readonly string[]).includes(String(raw.kind)) ? (raw.kind as JobKind) : 'video';
  const status = ['ready', 'violation', 'failed'].includes(String(raw.status))
    ? (raw.status as HistoryStatus)
    : 'ready';
  const settings =
    typeof raw.settings === 'object' && raw.settings !== null && !Array.isArray(raw.settings)
      ? settingsOf(raw.settings as Record<string, unknown>)
      : {};
  const orientation = ['landscape', 'portrait', 'square'].includes(String(raw.orientation))
    ? (raw.orientation as HistoryOrientation)
    : undefined;
  const width = num(raw.width);
  const height = num(raw.height);
  const durationS = num(raw.durationS);
  const title = unformula(str(raw.title));
  const reason = str(raw.reason);
  const downloadedAt = time(raw.downloadedAt);
  // An extension's link to its source travels in its settings (the engine's request parameters).
  const sourceId = settings.sourceGenerationId;
  const historyId = str(settings.sourceHistoryId);
  const extendedFrom =
    kind === 'extend' && isGenerationId(sourceId)
      ? { generationId: sourceId, ...(historyId ? { historyId } : {}) }
      : undefined;
  return {
    id,
    taskId: str(raw.taskId) ?? '',
    jobId: null,
    kind,
    prompt: (unformula(str(raw.prompt)) ?? '').slice(0, MAX_PROMPT),
    params: settings,
    url: '',
    createdAt: time(raw.createdAt) ?? now,
    status,
    source: 'file',
    ...(title ? { title } : {}),
    ...(orientation ? { orientation } : {}),
    ...(width === undefined ? {} : { width }),
    ...(height === undefined ? {} : { height }),
    ...(durationS === undefined ? {} : { durationS }),
    ...(reason ? { reason } : {}),
    ...(downloadedAt === undefined ? {} : { downloadedAt }),
    ...(extendedFrom ? { extendedFrom } : {}),
  };
}

function recordsFromJson(text: string): Record<string, unknown>[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const detail = e instanceof Error ? e.message : 'not JSON';
    throw new ImportFileError('format', detail, 'history.fileImport.reason.json');
  }
  const list = Array.isArray(data) ? data : (data as { items?: unknown } | null)?.items;
  if (!Array.isArray(list))
    throw new ImportFileError('format', 'expected a list of items', 'history.fileImport.reason.list');
  return list.filter(
    (r): r is Record<string, unknown> => typeof r === 'object' && r !== null && !Array.isArray(r),
  );
}

function recordsFromCsv(text: string): Record<string, unknown>[] {
  let rows: string[][];
  try {
    rows = parseCsv(text, ',').map((r) => r.cells);
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    const params = { line: e.line };
    throw new ImportFileError(
      'format',
      `broken quoting at line ${e.line}`,
      'history.fileImport.reason.csv',
      params,
    );
  }
  const header = rows[0]?.map((h) => h.trim().toLowerCase()) ?? [];
  if (!header.includes('id'))
    throw new ImportFileError(
      'format',
      'the first line must name the columns, one of them "id"',
      'history.fileImport.reason.columns',
    );
  return rows.slice(1).map((cells) => {
    const get = (name: (typeof CSV_COLUMNS)[number]) => {
      const i = header.indexOf(name);
      return i < 0 ? undefined : cells[i];
    };
    let settings: unknown = {};
    try {
      settings = JSON.parse(get('settings_json') || '{}');
    } catch {
      settings = {};
    }
    return {
      id: get('id'),
      taskId: get('task_id'),
      kind: get('kind'),
      status: get('status'),
      createdAt: get('created_at'),
      prompt: get('prompt'),
      title: get('title'),
      orientation: get('orientation'),
      width: get('width'),
      height: get('height'),
      durationS: get('duration_s'),
      downloadedAt: get('downloaded_at'),
      settings,
    };
  });
}

/** Items of an exported file (JSON or CSV, told apart by content). Throws ImportFileError. */
export function parseHistoryFile(text: string, now = Date.now()): HistoryItem[] {
  const body = text.replace(/^\uFEFF/, '').trim();
  if (body === '') throw new ImportFileError('empty', 'the file is empty');
  const problem = textProblem(body);
  if (problem === 'binary') {
    throw new ImportFileError('format', 'not a text file', 'history.fileImport.reason.binary');
  }
  if (problem === 'encoding') {
    throw new ImportFileError('format', 'not UTF-8 text', 'history.fileImport.reason.encoding');
  }
  const records = body.startsWith('{') || body.startsWith('[') ? recordsFromJson(body) : recordsFromCsv(body);
  const items = records.flatMap((r) => fromRecord(r, now) ?? []);
  if (items.length === 0)
    throw new ImportFileError('empty', 'no history items in the file', 'history.fileImport.reason.noItems');
  return items;
}
