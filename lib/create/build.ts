/**
 * The Create form → the `JobInput[]` that `jobs.enqueue` takes, with every problem found BEFORE anything is
 * sent: one issue per field (and per line of a batch), so the form can say what is wrong where. The
 * background validates again (lib/jobs/input.ts); these checks mirror it and add what only the page knows
 * (the plan, the picked file).
 */
import { isBlankText, type JobInput, START_IMAGE_TYPES, type StartImageInput } from '../jobs/input';
import { parsePostId } from '../sora/ids';
import { frameCount, IMAGE_SIZES, requiresPro } from '../sora/quota';
import { formatBytes } from './messages';
import { promptIssue } from './prompt';
import type { BatchRow, CreateForm, FileMeta, Issue, IssueAt, RowKind } from './types';
import { countCombinations, expandTemplate, parseTemplate } from './variables';

/** Most jobs one submission may queue (variables multiply quickly). */
export const MAX_BATCH_JOBS = 500;
export const MAX_START_IMAGE_BYTES = 10 * 1024 * 1024;
export { START_IMAGE_TYPES };
export const MAX_VARIANTS = 4;

export interface BuildContext {
  isPro: boolean;
  /** The stored start image (`{fileId}` after `putFile`); validation alone does not need it. */
  startImage?: StartImageInput;
  maxJobs?: number;
}

export interface BatchPlan {
  /** Empty whenever there is an issue: nothing partial is ever sent. */
  inputs: JobInput[];
  issues: Issue[];
  /** Jobs the batch makes, after variables (also when over the cap, to say by how much). */
  total: number;
  counts: Record<RowKind, number>;
  /** Prompts as written, before variables. */
  prompts: number;
}

/** The prompts typed into the form: one a line in batch mode (blank lines skipped), else the whole text. */
export function typedPrompts(form: Pick<CreateForm, 'batch' | 'text'>): { prompt: string; at?: IssueAt }[] {
  if (!form.batch) return isBlankText(form.text) ? [] : [{ prompt: form.text.trim() }];
  // A line of nothing but zero-width characters looks blank, so it is skipped like a blank one.
  return form.text
    .split(/\r\n|\r|\n/)
    .map((line, index) => ({ prompt: line.trim(), at: { line: index + 1 } }))
    .filter((p) => !isBlankText(p.prompt));
}

const isStartImageType = (type: string) => (START_IMAGE_TYPES as readonly string[]).includes(type);

export function startImageIssue(file: FileMeta): Issue | null {
  const type = file.type.toLowerCase();
  if (type.startsWith('video/') || file.content?.startsWith('video/')) {
    return { field: 'startImage', key: 'create.error.imageIsVideo', params: { name: file.name } };
  }
  if (!isStartImageType(type)) {
    return {
      field: 'startImage',
      key: 'create.error.imageType',
      params: { type: type || file.name.split('.').pop() || '?' },
    };
  }
  if (file.size === 0) return { field: 'startImage', key: 'create.error.imageEmpty' };
  // Named like a picture, but its bytes are something else (a renamed PDF, a broken download).
  if (file.content !== undefined && (file.content === null || !isStartImageType(file.content))) {
    return { field: 'startImage', key: 'create.error.imageContent', params: { name: file.name } };
  }
  if (file.size > MAX_START_IMAGE_BYTES) {
    return {
      field: 'startImage',
      key: 'create.error.imageTooBig',
      params: { size: formatBytes(file.size), max: formatBytes(MAX_START_IMAGE_BYTES) },
    };
  }
  return null;
}

export function remixTargetIssue(target: string): Issue | null {
  return parsePostId(target) === null ? { field: 'remixTarget', key: 'create.error.remixTarget' } : null;
}

interface VideoChoice {
  seconds: number;
  model: string;
  size: string;
}

/** The Pro-only choices among these, each as an issue. */
function proIssues(choice: VideoChoice, at: IssueAt | undefined, fromRow: boolean): Issue[] {
  const where = at ? { at } : {};
  const out: Issue[] = [];
  if (requiresPro({ nFrames: frameCount(choice.seconds) })) {
    out.push({ field: fromRow ? 'import' : 'seconds', key: 'create.error.proLength', ...where });
  }
  if (requiresPro({ model: choice.model })) {
    out.push({ field: fromRow ? 'import' : 'model', key: 'create.error.proModel', ...where });
  }
  if (requiresPro({ size: choice.size })) {
    out.push({ field: fromRow ? 'import' : 'size', key: 'create.error.proSize', ...where });
  }
  return out;
}

interface Source {
  prompt: string;
  at?: IssueAt;
  row?: BatchRow;
}

function kindOf(form: CreateForm, row: BatchRow | undefined, formTarget: string | null): RowKind {
  if (row?.remixTarget) return 'remix';
  if (row?.kind) return row.kind;
  if (form.mode === 'image') return 'image';
  return formTarget !== null || form.remixTarget.trim() !== '' ? 'remix' : 'video';
}

export function buildBatch(form: CreateForm, ctx: BuildContext): BatchPlan {
  const maxJobs = ctx.maxJobs ?? MAX_BATCH_JOBS;
  const issues: Issue[] = [];
  const counts: Record<RowKind, number> = { video: 0, image: 0, remix: 0 };
  const sources: Source[] = [
    ...typedPrompts(form),
    ...(form.imported?.rows ?? []).map((row) => ({ prompt: row.prompt, at: row.at, row })),
  ];
  if (sources.length === 0) issues.push({ field: 'prompt', key: 'create.error.promptEmpty' });

  // Form-level fields (only those the chosen mode shows).
  const videoMode = form.mode === 'video';
  const typedTarget = videoMode ? form.remixTarget.trim() : '';
  const formTarget = typedTarget === '' ? null : parsePostId(typedTarget);
  if (typedTarget !== '' && formTarget === null) issues.push(remixTargetIssue(typedTarget) as Issue);
  const startImage = videoMode ? form.startImage : null;
  if (startImage) {
    const issue = startImageIssue(startImage);
    if (issue) issues.push(issue);
    if (typedTarget !== '') issues.push({ field: 'startImage', key: 'create.error.remixWithImage' });
  }
  if (form.mode === 'image' && !(Number.isInteger(form.variants) && form.variants >= 1)) {
    issues.push({ field: 'variants', key: 'create.error.variants', params: { max: MAX_VARIANTS } });
  } else if (form.mode === 'image' && form.variants > MAX_VARIANTS) {
    issues.push({ field: 'variants', key: 'create.error.variants', params: { max: MAX_VARIANTS } });
  }
  if (!ctx.isPro && videoMode) issues.push(...proIssues(form, undefined, false));

  // Count first: a template can make more prompts than memory holds.
  const planned = sources.map((source) => {
    const parts = parseTemplate(source.prompt);
    return { source, parts, n: countCombinations(parts), kind: kindOf(form, source.row, formTarget) };
  });
  const total = planned.reduce((sum, p) => sum + p.n, 0);
  for (const p of planned) counts[p.kind] += p.n;
  if (total > maxJobs) {
    issues.push({ field: 'batch', key: 'create.error.tooMany', params: { count: total, max: maxJobs } });
  }

  const inputs: JobInput[] = [];
  for (const { source, parts, kind } of planned) {
    const row = source.row;
    const field = row ? 'import' : 'prompt';
    const choice = {
      seconds: row?.seconds ?? form.seconds,
      model: row?.model ?? form.model,
      size: row?.size ?? form.size,
    };
    if (row && kind !== 'image' && !ctx.isPro) issues.push(...proIssues(choice, source.at, true));
    const target = row?.remixTarget ?? formTarget;
    // An unreadable typed target already has its own message; this is for a remix row with no target.
    if (kind === 'remix' && target === null && typedTarget === '') {
      issues.push({ field, key: 'create.error.remixMissing', ...(source.at ? { at: source.at } : {}) });
    }
    if (total > maxJobs) continue;
    for (const prompt of expandTemplate(parts, maxJobs)) {
      const issue = promptIssue(prompt, source.at);
      if (issue) {
        issues.push({ ...issue, field });
        continue;
      }
      const text = prompt.trim();
      const orientation = row?.orientation ?? form.orientation;
      if (kind === 'image') {
        const sizeId = row?.imageSize ?? row?.orientation ?? form.imageSize;
        const { width, height } = IMAGE_SIZES[sizeId];
        inputs.push({ kind: 'image', prompt: text, width, height, nVariants: form.variants });
        continue;
      }
      const video = {
        orientation,
        nFrames: frameCount(choice.seconds),
        model: choice.model,
        size: choice.size,
        styleId: row && row.style !== undefined ? row.style : form.style,
      };
      if (kind === 'remix') {
        inputs.push({ kind: 'remix', prompt: text, remixTarget: target as string, ...video });
      } else {
        const start = startImage && ctx.startImage ? { startImage: ctx.startImage } : {};
        inputs.push({ kind: 'video', prompt: text, ...video, ...start });
      }
    }
  }
  return {
    inputs: issues.length > 0 ? [] : inputs,
    issues: dedupe(issues),
    total,
    counts,
    prompts: sources.length,
  };
}

/** The same message for the same place once (a prompt with variables can repeat a line's issue). */
function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = JSON.stringify([i.field, i.key, i.params, i.at]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The first issue of each field, for messages beside the controls. */
export function issuesByField(issues: readonly Issue[]): Partial<Record<Issue['field'], Issue[]>> {
  const out: Partial<Record<Issue['field'], Issue[]>> = {};
  for (const issue of issues) {
    const list = out[issue.field] ?? [];
    list.push(issue);
    out[issue.field] = list;
  }
  return out;
}
