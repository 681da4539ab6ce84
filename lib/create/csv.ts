/**
 * CSV batches: a header line with a `prompt` column and optional columns (see ./rows.ts). RFC 4180 quoting
 * (quoted fields may hold the delimiter, newlines and doubled quotes), CRLF or LF, a UTF-8 BOM, and a
 * comma, semicolon or tab delimiter (spreadsheets in many locales save with semicolons).
 *
 * Lenient where it cannot hurt: a quote in the middle of an unquoted field is kept as a character
 * (`a 5" screen`), spaces before an opening quote are dropped. Strict where it would silently merge or split
 * prompts: an unclosed quote and text after a closing quote are errors with the line number.
 */
import { type Column, columnOf, type RawValue, RowError, toRow } from './rows';
import type { BatchRow, Issue } from './types';

export interface CsvRecord {
  cells: string[];
  /** 1-based line where the record starts. */
  line: number;
}

export class CsvError extends Error {
  constructor(
    readonly key: Issue['key'],
    readonly line: number,
  ) {
    super(`${key} at line ${line}`);
  }
}

const DELIMITERS = [',', ';', '\t'] as const;

/** The delimiter the header line uses most (quoted parts ignored); a comma when there is none. */
export function detectDelimiter(text: string): string {
  const counts = new Map<string, number>();
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && (DELIMITERS as readonly string[]).includes(c))
      counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let best = ',';
  let bestCount = 0;
  for (const d of DELIMITERS) {
    const n = counts.get(d) ?? 0;
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}

/** Splits CSV text into records. Throws CsvError on broken quoting. */
export function parseCsv(input: string, delimiter = detectDelimiter(input)): CsvRecord[] {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endField = () => {
    cells.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    if (!(cells.length === 1 && cells[0]?.trim() === '')) records.push({ cells, line: recordLine });
    cells = [];
  };
  /** Consumes a line break at i (CRLF, LF or CR); true when there was one. */
  const lineBreak = (): boolean => {
    if (text[i] === '\r') {
      i += text[i + 1] === '\n' ? 2 : 1;
    } else if (text[i] === '\n') {
      i += 1;
    } else {
      return false;
    }
    line++;
    return true;
  };

  while (i < text.length) {
    const c = text[i];
    if (c === '"' && field.trim() === '') {
      // A quoted field: runs to the next lone quote, across delimiters and line breaks.
      const openedAt = line;
      field = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new CsvError('create.error.csvUnclosedQuote', openedAt);
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (text[i] === '\r' || text[i] === '\n') {
          const start = i;
          lineBreak();
          field += text.slice(start, i).replace(/\r\n?/g, '\n');
          continue;
        }
        field += text[i];
        i++;
      }
      while (text[i] === ' ' || (text[i] === '\t' && delimiter !== '\t')) i++;
      if (i < text.length && text[i] !== delimiter && text[i] !== '\r' && text[i] !== '\n') {
        throw new CsvError('create.error.csvAfterQuote', line);
      }
      continue;
    }
    if (c === delimiter) {
      endField();
      i++;
      continue;
    }
    if (lineBreak()) {
      endRecord();
      recordLine = line;
      continue;
    }
    field += c;
    i++;
  }
  if (field !== '' || cells.length > 0) endRecord();
  return records;
}

/** Rows of a CSV batch file. Throws RowError (an Issue with the place) for any problem. */
export function rowsFromCsv(text: string, file: string): BatchRow[] {
  let records: CsvRecord[];
  try {
    records = parseCsv(text);
  } catch (e) {
    if (e instanceof CsvError) {
      throw new RowError({ field: 'import', key: e.key, at: { file, line: e.line } });
    }
    throw e;
  }
  const [header, ...body] = records;
  const columns: (Column | undefined)[] = header ? header.cells.map((h) => columnOf(h.trim())) : [];
  if (!columns.includes('prompt')) {
    throw new RowError({ field: 'import', key: 'create.error.csvNoPrompt', at: { file } });
  }
  const rows: BatchRow[] = [];
  for (const record of body) {
    const values: Partial<Record<Column, RawValue>> = {};
    record.cells.forEach((cell, index) => {
      const column = columns[index];
      // A repeated column: the first non-empty cell wins, so an empty duplicate cannot erase a value.
      if (column && (values[column] === undefined || values[column] === '')) values[column] = cell;
    });
    const row = toRow(values, { file, line: record.line });
    if (row) rows.push(row);
  }
  if (rows.length === 0)
    throw new RowError({ field: 'import', key: 'create.error.importEmpty', at: { file } });
  return rows;
}
