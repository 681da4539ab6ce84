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
 * Why decoded file text is not usable text: NUL characters mean a binary file (a picture or a spreadsheet
 * renamed .csv); the replacement character means bytes that are not UTF-8 (a CSV saved in a legacy code
 * page, whose accented letters would arrive garbled).
 */
export function textProblem(text: string): 'binary' | 'encoding' | null {
  const head = text.slice(0, 64 * 1024);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what marks a binary file here.
  if (/\u0000/.test(head)) return 'binary';
  return head.includes('\uFFFD') ? 'encoding' : null;
}

export function importBatch(name: string, text: string): ImportResult {
  const kind = importKind(name, text);
  if (kind === null) {
    return { ok: false, issue: { field: 'import', key: 'create.error.importType', at: { file: name } } };
  }
  const problem = textProblem(text);
  if (problem) {
    const key = problem === 'binary' ? 'create.error.importBinary' : 'create.error.importEncoding';
    return { ok: false, issue: { field: 'import', key, at: { file: name } } };
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
