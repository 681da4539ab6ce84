/** A batch file (CSV or JSON) read into rows, or the one issue that stops it. */
import { rowsFromCsv } from './csv';
import { rowsFromJson } from './json';
import { formatBytes } from './messages';
import { RowError } from './rows';
import type { ImportedBatch, Issue } from './types';

/** Larger files are not prompt lists; refusing them keeps the panel responsive. */
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;

export type ImportResult = { ok: true; batch: ImportedBatch } | { ok: false; issue: Issue };

/** JSON when the name says so or the text starts like JSON; CSV when the name says so; else refused. */
export function importKind(name: string, text: string): 'csv' | 'json' | null {
  const lower = name.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.csv') || lower.endsWith('.tsv') || lower.endsWith('.txt')) {
    return /^\uFEFF?\s*[[{]/.test(text) ? 'json' : 'csv';
  }
  return null;
}

/**
 * Text decoded from a file that is not text: NUL characters, or the replacement character the decoder puts
 * for bytes that are not UTF-8 (a picture or a spreadsheet renamed .csv).
 */
export function looksBinary(text: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what marks a binary file here.
  return /[\u0000\uFFFD]/.test(text.slice(0, 4096));
}

export function importBatch(name: string, text: string): ImportResult {
  const kind = importKind(name, text);
  if (kind === null) {
    return { ok: false, issue: { field: 'import', key: 'create.error.importType', at: { file: name } } };
  }
  if (looksBinary(text)) {
    return { ok: false, issue: { field: 'import', key: 'create.error.importBinary', at: { file: name } } };
  }
  try {
    const rows = kind === 'json' ? rowsFromJson(text, name) : rowsFromCsv(text, name);
    return { ok: true, batch: { name, rows } };
  } catch (e) {
    if (e instanceof RowError) return { ok: false, issue: e.issue };
    throw e;
  }
}

/** A picked file: its size checked before it is read (a huge file is refused without reading it). */
export async function readBatchFile(
  file: File,
): Promise<{ batch: ImportedBatch | null; issue: Issue | null }> {
  const at = { file: file.name };
  if (file.size > MAX_IMPORT_BYTES) {
    const params = { size: formatBytes(file.size), max: formatBytes(MAX_IMPORT_BYTES) };
    return { batch: null, issue: { field: 'import', key: 'create.error.importTooBig', params, at } };
  }
  let text: string;
  try {
    text = await file.text();
  } catch {
    return { batch: null, issue: { field: 'import', key: 'create.error.importRead', at } };
  }
  const result = importBatch(file.name, text);
  return result.ok ? { batch: result.batch, issue: null } : { batch: null, issue: result.issue };
}
