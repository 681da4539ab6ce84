/**
 * The columns an imported row may set (CSV header or JSON object key), and how their values are read.
 * Both importers go through `toRow`, so CSV and JSON accept exactly the same things.
 */
import { isBlankText } from '../jobs/input';
import { parsePostId } from '../sora/ids';
import { IMAGE_SIZES, isStyleId, ORIENTATIONS, VIDEO_MODELS, VIDEO_SIZES } from '../sora/quota';
import type { BatchRow, Field, ImageSizeId, Issue, IssueAt, RowKind } from './types';

/** A form field a row can set, and the row's kind (the form's mode and remix field say it there). */
export type Column = 'kind' | Exclude<Field, 'import' | 'startImage' | 'variants' | 'batch'>;

/** Header spellings, compared lowercase without spaces, dashes or underscores. */
const ALIASES: Record<string, Column> = {
  prompt: 'prompt',
  kind: 'kind',
  type: 'kind',
  orientation: 'orientation',
  length: 'seconds',
  seconds: 'seconds',
  duration: 'seconds',
  model: 'model',
  size: 'size',
  style: 'style',
  styleid: 'style',
  remix: 'remixTarget',
  remixtarget: 'remixTarget',
  remixtargetid: 'remixTarget',
  imagesize: 'imageSize',
};

/** The column a header names, or undefined for a column we do not read (kept out, not an error). */
export function columnOf(header: string): Column | undefined {
  return ALIASES[header.toLowerCase().replace(/[\s_-]/g, '')];
}

/** Lengths a batch may ask for, in seconds (5 s is accepted by Sora, the form offers 10 / 15 / 25). */
export const ROW_SECONDS = [5, 10, 15, 25] as const;
const KINDS: readonly RowKind[] = ['video', 'image', 'remix'];

export type RawValue = string | number | null | undefined;

export class RowError extends Error {
  constructor(readonly issue: Issue) {
    super(issue.key);
  }
}

const fail = (key: Issue['key'], at: IssueAt, params?: Issue['params']): never => {
  throw new RowError({ field: 'import', key, at, ...(params ? { params } : {}) });
};

function text(value: RawValue): string {
  return value === null || value === undefined ? '' : String(value).trim();
}

function pick<T extends string>(
  value: RawValue,
  allowed: readonly T[],
  key: Issue['key'],
  at: IssueAt,
): T | undefined {
  const s = text(value).toLowerCase();
  if (s === '') return undefined;
  if ((allowed as readonly string[]).includes(s)) return s as T;
  return fail(key, at, { value: text(value) });
}

function seconds(value: RawValue, at: IssueAt): number | undefined {
  const s = text(value).toLowerCase();
  if (s === '') return undefined;
  const m = s.match(/^(\d+(?:\.0+)?)\s*(?:s|sec|secs|seconds?)?$/);
  const n = m ? Number(m[1]) : Number.NaN;
  if ((ROW_SECONDS as readonly number[]).includes(n)) return n;
  return fail('create.error.badLength', at, { value: text(value) });
}

/**
 * One row from its column values. Throws RowError (field `import`) with the place of the problem. A row
 * whose cells are all empty gives `null`: blank lines are not prompts.
 */
export function toRow(values: Partial<Record<Column, RawValue>>, at: IssueAt): BatchRow | null {
  if (Object.values(values).every((v) => text(v) === '')) return null;
  const prompt = typeof values.prompt === 'number' ? String(values.prompt) : (values.prompt ?? '');
  if (isBlankText(prompt)) fail('create.error.promptEmpty', at);
  const row: BatchRow = { prompt: prompt.trim(), at };
  const kind = pick(values.kind, KINDS, 'create.error.badKind', at);
  if (kind) row.kind = kind;
  const orientation = pick(values.orientation, ORIENTATIONS, 'create.error.badOrientation', at);
  if (orientation) row.orientation = orientation;
  const secs = seconds(values.seconds, at);
  if (secs !== undefined) row.seconds = secs;
  const model = pick(values.model, VIDEO_MODELS, 'create.error.badModel', at);
  if (model) row.model = model;
  const size = pick(values.size, VIDEO_SIZES, 'create.error.badSize', at);
  if (size) row.size = size;
  const style = text(values.style).toLowerCase();
  if (style === 'none') row.style = null;
  else if (style !== '') {
    if (!isStyleId(style)) fail('create.error.badStyle', at, { value: text(values.style) });
    row.style = style as BatchRow['style'];
  }
  const target = text(values.remixTarget);
  if (target !== '') {
    const id = parsePostId(target);
    if (id === null) fail('create.error.remixTarget', at);
    if (kind === 'image') fail('create.error.remixImageKind', at);
    row.remixTarget = id as string;
  }
  const imageSizes = Object.keys(IMAGE_SIZES) as ImageSizeId[];
  const imageSize = pick(values.imageSize, imageSizes, 'create.error.badImageSize', at);
  if (imageSize) row.imageSize = imageSize;
  return row;
}
