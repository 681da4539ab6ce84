/**
 * Which task on Sora is the one an uncertain create started ("orphans": a lost answer, a timeout, a worker
 * stopped after the create went out).
 *
 * Sora may store a rewritten prompt (enable_rewrite, prompt enhancement) and the user may start a task with
 * the same prompt in Sora's own page, so the prompt text is one signal among others, never the only one:
 * - a candidate is ruled OUT only by something Sora echoes that contradicts the job: made before the create
 *   was sent (drafts' `created_at`, with clock skew), another length (`n_frames`), another orientation
 *   (width × height), a storyboard with another number of shots, a storyboard where the job is not one;
 * - a field Sora did not send is unknown, never "different" (NOTES.md: `prompt`, `title`, `n_frames` are
 *   optional in pending items; drafts carry no remix target and no start image at all);
 * - a text match makes a candidate strong, in three tiers: equal after whitespace folding, one containing the
 *   other (a rewrite that kept the prompt), most of the job's words; a candidate without one still counts when
 *   it is the only one that fits.
 *
 * A candidate is claimed only when the answer is certain: the strong (else the only) candidates are no more
 * than the orphans asking for the same thing. A task whose text fits another orphan better is that orphan's,
 * not a candidate of this one: a batch of near-identical prompts ("take 1", "take 2" share most words) is told
 * apart by each task's closer echo. More candidates than that (an outside task like ours, even one whose text
 * fits better than our rewritten one) is ambiguous: the user decides. Tasks another job or history already
 * owns are never candidates.
 */

import type { Job } from '../db/job-record';
import type { Orientation } from '../sora/quota';
import { normalizePrompt } from './model';

/** Drafts whose `created_at` is this much before the create was sent still count (clock skew). */
export const CLOCK_SKEW_MS = 2 * 60_000;

export interface Candidate {
  taskId: string;
  prompt: string | null;
  title: string | null;
  /** Drafts only (pending items carry no time). */
  createdAt: number | null;
  nFrames: number | null;
  width: number | null;
  height: number | null;
}

/** How well the texts fit, strongest first: 'related' is most of the job's words, 'none' / 'unknown' are weak. */
export type TextFit = 'exact' | 'contains' | 'related' | 'none' | 'unknown';

const RANK: Record<TextFit, number> = { exact: 3, contains: 2, related: 1, none: 0, unknown: 0 };
const strong = (f: TextFit) => RANK[f] > 0;

const SHOT_RE = /(^|\n)\s*Shot\s+\d+\s*:/gi;
const shots = (prompt: string): number => prompt.match(SHOT_RE)?.length ?? 0;

const words = (s: string): string[] =>
  normalizePrompt(s)
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);

const WORD_CHAR = /[\p{L}\p{N}]/u;

/**
 * `needle` inside `hay` as whole words: "take 1" is not inside "take 10", so a batch of numbered prompts
 * is not confused by a rewrite that kept each prompt.
 */
function containsWhole(hay: string, needle: string): boolean {
  if (needle.length === 0) return false;
  const cut = (a: string | undefined, b: string | undefined) =>
    a === undefined || b === undefined || !WORD_CHAR.test(a) || !WORD_CHAR.test(b);
  for (let at = hay.indexOf(needle); at !== -1; at = hay.indexOf(needle, at + 1)) {
    const end = at + needle.length;
    if (cut(hay[at - 1], needle[0]) && cut(hay[end], needle[needle.length - 1])) return true;
  }
  return false;
}

/** How the candidate's prompt relates to the job's. */
export function textFit(jobPrompt: string, candidate: string | null): TextFit {
  if (candidate === null) return 'unknown';
  const a = normalizePrompt(jobPrompt);
  const b = normalizePrompt(candidate);
  if (a === b) return 'exact';
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (containsWhole(lb, la) || containsWhole(la, lb)) return 'contains';
  // A rewrite keeps most of what was asked for: most of the job's words reappear.
  const mine = new Set(words(a));
  if (mine.size < 3) return 'none';
  const theirs = new Set(words(b));
  let kept = 0;
  for (const w of mine) if (theirs.has(w)) kept++;
  return kept / mine.size >= 0.7 ? 'related' : 'none';
}

/**
 * The length Sora's result will have, when known: an extension is its source's length plus the extension
 * (unknown when the source's length is), every other video the frames it asked for.
 */
export function expectedFrames(r: Exclude<Job['request'], { kind: 'image' }>): number | null {
  if (r.kind !== 'extend') return r.nFrames;
  return r.sourceDurationS === undefined ? null : Math.round((r.sourceDurationS + r.extensionSeconds) * 30);
}

function orientationOf(c: Candidate): Orientation | null {
  if (c.width === null || c.height === null || c.width === c.height) return null;
  return c.width > c.height ? 'landscape' : 'portrait';
}

/**
 * Whether nothing Sora echoed contradicts the job, and how well the text fits. `null`: ruled out.
 */
export function fitOf(job: Job, c: Candidate): TextFit | null {
  const r = job.request;
  if (r.kind === 'image') return null;
  const sentAt = job.createSentAt ?? 0;
  if (c.createdAt !== null && c.createdAt < sentAt - CLOCK_SKEW_MS) return null;
  const frames = expectedFrames(r);
  // An extension's length is its source's plus the extension, give or take a frame or two of rounding.
  const tolerance = r.kind === 'extend' ? 15 : 0;
  if (c.nFrames !== null && frames !== null && Math.abs(c.nFrames - frames) > tolerance) return null;
  const orientation = orientationOf(c);
  // An extension keeps its source's orientation, which the job does not record.
  if (r.kind !== 'extend' && orientation !== null && orientation !== r.orientation) return null;
  if (c.prompt !== null) {
    const theirs = shots(c.prompt);
    if (r.kind === 'storyboard') {
      if (theirs > 0 && theirs !== shots(r.prompt)) return null;
    } else if (theirs > 0) {
      return null;
    }
  }
  const text = textFit(r.prompt, c.prompt);
  // Sora always rewrites an extension's prompt (enable_rewrite): its length is what tells, when known.
  if (r.kind === 'extend' && frames !== null && c.nFrames !== null && !strong(text)) return 'related';
  // A storyboard's own title echoed back is as good as a related prompt.
  const titled = r.kind === 'storyboard' && r.title !== undefined && c.title === r.title;
  return titled && !strong(text) ? 'related' : text;
}

/** What a create asks Sora for: orphans with the same signature are interchangeable. */
function signature(job: Job): string {
  const r = job.request;
  if (r.kind === 'image') return `image:${normalizePrompt(r.prompt)}`;
  if (r.kind === 'extend')
    return ['extend', r.sourceGenerationId, r.extensionSeconds, normalizePrompt(r.prompt)].join('|');
  const start =
    r.kind === 'remix' ? r.remixTargetId : r.startImage !== undefined ? (job.uploadId ?? 'file') : '';
  return [r.kind, normalizePrompt(r.prompt), r.nFrames, r.orientation, r.model, r.size, start].join('|');
}

export type MatchOutcome =
  | { kind: 'matched'; taskId: string }
  /** More candidates fit than there are orphans asking for them: Sora's lists cannot tell. */
  | { kind: 'ambiguous' }
  /** Only candidates without a text match, not certain yet (pending items carry no time). */
  | { kind: 'possible' }
  | { kind: 'none' };

/**
 * Matches orphans (oldest create first) to candidates no one owns: the unfinished tasks of the pending list
 * and the drafts, together (a same-prompt task elsewhere may be in either). `weakClaims`: a candidate
 * without a text match may be claimed when it is the only one that fits and carries a time (a draft inside
 * the window); otherwise it is only "possible".
 */
export function matchOrphans(
  orphans: readonly Job[],
  candidates: readonly Candidate[],
  weakClaims: boolean,
): Map<string, MatchOutcome> {
  const out = new Map<string, MatchOutcome>();
  const byId = new Map(candidates.map((c) => [c.taskId, c]));
  /** Per orphan, the rank of each candidate nothing rules out. */
  const ranks = new Map<string, Map<string, number>>();
  for (const job of orphans) {
    const m = new Map<string, number>();
    for (const c of candidates) {
      const f = fitOf(job, c);
      if (f !== null) m.set(c.taskId, RANK[f]);
    }
    ranks.set(job.id, m);
  }
  /** Orphans asking for the same thing, each group's jobs still without an outcome. */
  const groups = new Map<string, Job[]>();
  for (const job of orphans) {
    const key = signature(job);
    const g = groups.get(key);
    if (g) g.push(job);
    else groups.set(key, [job]);
  }
  const open = [...groups.values()];
  const taken = new Set<string>();
  const others = (group: readonly Job[]) => orphans.filter((j) => !group.includes(j));
  /** The best rank any orphan outside the group gives the candidate (-1: none fits it). */
  const bestElsewhere = (group: readonly Job[], id: string) =>
    Math.max(-1, ...others(group).map((o) => ranks.get(o.id)?.get(id) ?? -1));
  const fitting = (group: readonly Job[], want: (rank: number) => boolean): string[] => {
    const ids = new Set<string>();
    for (const job of group)
      for (const [id, rank] of ranks.get(job.id) ?? []) if (want(rank) && !taken.has(id)) ids.add(id);
    return [...ids];
  };
  const decide = (group: Job[], outcome: MatchOutcome) => {
    for (const job of group.splice(0)) out.set(job.id, outcome);
  };
  /** Each job of the group takes one chosen task, oldest create first. */
  const claim = (group: Job[], chosen: readonly string[]) => {
    for (const id of chosen) {
      const job = group.shift();
      if (!job) return;
      taken.add(id);
      out.set(job.id, { kind: 'matched', taskId: id });
    }
  };
  /** More fitting tasks than orphans: still running tasks may yet be told apart by their drafts. */
  const undecidable = (chosen: readonly string[]): MatchOutcome => ({
    kind: chosen.some((id) => byId.get(id)?.createdAt === null) ? 'possible' : 'ambiguous',
  });

  // Strong candidates first, for every group: a task whose text fits another orphan better is that one's.
  for (const group of open) {
    const mine = (id: string) => Math.max(...group.map((j) => ranks.get(j.id)?.get(id) ?? -1));
    const chosen = fitting(group, (rank) => rank > 0).filter((id) => bestElsewhere(group, id) <= mine(id));
    if (chosen.length === 0) continue;
    if (chosen.length > group.length) decide(group, undecidable(chosen));
    else {
      claim(group, chosen);
      decide(group, { kind: 'none' });
    }
  }
  for (const group of open) {
    if (group.length === 0) continue;
    const chosen = fitting(group, () => true);
    if (chosen.length === 0) {
      decide(group, { kind: 'none' });
      continue;
    }
    // Without a text match a task is ours only when it is inside the time window (a draft: pending items carry
    // no time) and no other orphan could own it as well.
    const untimed = chosen.some((id) => byId.get(id)?.createdAt === null);
    const shared = chosen.some((id) => bestElsewhere(group, id) >= 0);
    if (!weakClaims || untimed) decide(group, { kind: 'possible' });
    else if (shared) decide(group, { kind: 'ambiguous' });
    else if (chosen.length > group.length) decide(group, undecidable(chosen));
    else {
      claim(group, chosen);
      decide(group, { kind: 'none' });
    }
  }
  return out;
}
