/**
 * JSON batches: an array of prompt strings, or of objects with a `prompt` and the same optional fields as
 * the CSV columns (`{"prompt": "…", "orientation": "portrait", "length": 15}`).
 */
import { type Column, columnOf, type RawValue, RowError, toRow } from './rows';
import type { BatchRow } from './types';

export function rowsFromJson(text: string, file: string): BatchRow[] {
  let data: unknown;
  try {
    data = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new RowError({
      field: 'import',
      key: 'create.error.jsonSyntax',
      params: { message },
      at: { file },
    });
  }
  if (!Array.isArray(data)) {
    throw new RowError({ field: 'import', key: 'create.error.jsonShape', at: { file } });
  }
  const rows: BatchRow[] = [];
  data.forEach((entry: unknown, index) => {
    const at = { file, item: index + 1 };
    let values: Partial<Record<Column, RawValue>>;
    if (typeof entry === 'string') {
      values = { prompt: entry };
    } else if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
      values = {};
      for (const [key, value] of Object.entries(entry)) {
        const column = columnOf(key);
        if (!column) continue;
        if (value !== null && typeof value !== 'string' && typeof value !== 'number') {
          throw new RowError({ field: 'import', key: 'create.error.jsonValue', params: { name: key }, at });
        }
        values[column] = value;
      }
      if (values.prompt === undefined || values.prompt === null || String(values.prompt).trim() === '') {
        throw new RowError({ field: 'import', key: 'create.error.promptEmpty', at });
      }
    } else {
      throw new RowError({ field: 'import', key: 'create.error.jsonItem', at });
    }
    const row = toRow(values, at);
    if (row) rows.push(row);
    else throw new RowError({ field: 'import', key: 'create.error.promptEmpty', at });
  });
  if (rows.length === 0)
    throw new RowError({ field: 'import', key: 'create.error.importEmpty', at: { file } });
  return rows;
}
