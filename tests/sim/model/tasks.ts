/**
 * Task lifecycles as pure functions of the record, the sim time and the config: nothing is stored, so every
 * read is consistent with the clock however it was moved.
 *
 *   video: preprocessing → queued → running → processing → (leaves pending; draft listed)
 *          policy: … → [failed, if variant policyFailedFirst] → leaves; a sora_content_violation draft
 *          failing prompt: fails halfway through running → failed (failedVisibleSec) → leaves; a sora_error draft
 *   image: queued → running → succeeded | failed (listed in recent tasks for good)
 */
import type { ImageTaskRec, SeededDraftRec, SimState, VideoAssets, VideoTaskRec } from '../state';
import type { SimConfig } from '../types';
import { variant } from '../variants';

export type VideoStatus = 'preprocessing' | 'queued' | 'running' | 'processing' | 'failed' | 'gone';

export interface VideoTaskView {
  status: VideoStatus;
  progress: number | null;
  /** Counts against the concurrency ceiling. */
  active: boolean;
  failureReason: string | null;
  /** When it leaves (or left) the pending list and its draft is listed. */
  leavesAt: number;
}

export const POLICY_REASON =
  'This content might violate our guardrails around sexual, violent, or harmful content.';
export const POLICY_MARKDOWN_REASON =
  'This content might violate our **guardrails** around sexual, violent, or harmful content. ' +
  '[Learn more](https://openai.com/policies/usage-policies).';
export const FAILED_REASON = 'Something went wrong while generating your video. Please try again.';

const round = (x: number) => Math.round(x * 10_000) / 10_000;

export function videoTaskView(task: VideoTaskRec, now: number, config: SimConfig): VideoTaskView {
  const [p0, p1, p2, p3] = task.phasesMs;
  const e1 = task.createdAt + p0;
  const e2 = e1 + p1;
  const e3 = e2 + p2;
  const e4 = e3 + p3;
  const failedMs = config.failedVisibleSec * 1000;
  const runningProgress = (t: number) => round(0.9 * Math.min(1, (t - e2) / Math.max(1, p2)));

  if (task.outcome === 'failed') {
    const failAt = e2 + Math.floor(p2 / 2);
    const leavesAt = failAt + failedMs;
    if (now >= failAt) {
      const status = now >= leavesAt ? 'gone' : 'failed';
      return {
        status,
        progress: runningProgress(failAt),
        active: false,
        failureReason: FAILED_REASON,
        leavesAt,
      };
    }
  }
  const failedFirst = task.outcome === 'policy' && variant(config, 'policyFailedFirst', task.id);
  const leavesAt = failedFirst ? e4 + failedMs : e4;
  const phase = (status: VideoStatus, progress: number | null): VideoTaskView => ({
    status,
    progress,
    active: status !== 'failed' && status !== 'gone',
    failureReason: status === 'failed' ? POLICY_REASON : null,
    leavesAt: task.outcome === 'failed' ? e2 + Math.floor(p2 / 2) + failedMs : leavesAt,
  });
  if (now < e1) return phase('preprocessing', null);
  if (now < e2) return phase('queued', 0);
  if (now < e3) return phase('running', runningProgress(now));
  if (now < e4) return phase('processing', round(0.9 + 0.1 * ((now - e3) / Math.max(1, p3))));
  if (now < leavesAt) return phase('failed', 1);
  return phase('gone', 1);
}

/** Phase durations of a new video task: the 300-frame config, scaled by length when configured. */
export function videoPhasesMs(nFrames: number, config: SimConfig): [number, number, number, number] {
  const f = config.scaleVideoDuration ? nFrames / 300 : 1;
  const p = config.videoPhasesSec;
  const ms = (s: number) => Math.max(0, Math.round(s * 1000 * f));
  return [ms(p.preprocessing), ms(p.queued), ms(p.running), ms(p.processing)];
}

export function videoDimensions(orientation: 'landscape' | 'portrait', size: 'small' | 'large') {
  const [long, short] = size === 'large' ? [1792, 1024] : [896, 512];
  return orientation === 'portrait' ? { width: short, height: long } : { width: long, height: short };
}

export interface DraftData {
  id: string;
  taskId: string;
  userId: string;
  kind: 'sora_draft' | 'sora_content_violation' | 'sora_error';
  /** Sim ms it was listed. */
  createdAt: number;
  prompt: string;
  title: string;
  nFrames: number;
  orientation: 'landscape' | 'portrait';
  size: 'small' | 'large';
  assets: VideoAssets | null;
  reasonStr: string | null;
  markdownReasonStr: string | null;
  errorReason: string | null;
}

export function titleFromPrompt(prompt: string): string {
  const words = prompt
    .replace(/\s+/g, ' ')
    .trim()
    .split(' ')
    .filter((w) => !/^(shot|duration|scene|current|timeline|instructions):?$/i.test(w))
    .slice(0, 6)
    .join(' ');
  const t = words.replace(/[.,;:!?]+$/, '');
  return t ? t.charAt(0).toUpperCase() + t.slice(1) : 'Untitled';
}

export function draftOfTask(task: VideoTaskRec, now: number, config: SimConfig): DraftData | null {
  const view = videoTaskView(task, now, config);
  if (view.status !== 'gone') return null;
  const base = {
    id: task.generationId,
    taskId: task.id,
    userId: task.userId,
    createdAt: view.leavesAt,
    prompt: task.storedPrompt ?? task.prompt,
    title: task.title ?? titleFromPrompt(task.storedPrompt ?? task.prompt),
    nFrames: task.nFrames,
    orientation: task.orientation,
    size: task.size,
  };
  if (task.outcome === 'policy') {
    return {
      ...base,
      kind: 'sora_content_violation',
      assets: null,
      reasonStr: POLICY_REASON,
      markdownReasonStr: POLICY_MARKDOWN_REASON,
      errorReason: null,
    };
  }
  if (task.outcome === 'failed') {
    return {
      ...base,
      kind: 'sora_error',
      assets: null,
      reasonStr: null,
      markdownReasonStr: null,
      errorReason: FAILED_REASON,
    };
  }
  return {
    ...base,
    kind: 'sora_draft',
    assets: task.assets,
    reasonStr: null,
    markdownReasonStr: null,
    errorReason: null,
  };
}

export function draftOfSeeded(d: SeededDraftRec): DraftData {
  return {
    id: d.id,
    taskId: d.taskId,
    userId: d.userId,
    kind: 'sora_draft',
    createdAt: d.createdAt,
    prompt: d.prompt,
    title: d.title,
    nFrames: d.nFrames,
    orientation: d.orientation,
    size: d.size,
    assets: d.assets,
    reasonStr: null,
    markdownReasonStr: null,
    errorReason: null,
  };
}

/** Every listed draft of a user, newest first (ties broken by id so paging is stable). */
export function listDrafts(state: SimState, userId: string, now: number, config: SimConfig): DraftData[] {
  const out: DraftData[] = [];
  for (const t of state.videoTasks.values()) {
    if (t.userId !== userId) continue;
    const d = draftOfTask(t, now, config);
    if (d) out.push(d);
  }
  for (const d of state.seededDrafts.values()) {
    if (d.userId === userId && d.createdAt <= now) out.push(draftOfSeeded(d));
  }
  return out.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
}

/** A generation by id, whoever owns it, if it is listed by now. */
export function findDraft(state: SimState, id: string, now: number, config: SimConfig): DraftData | null {
  const seeded = state.seededDrafts.get(id);
  if (seeded) return seeded.createdAt <= now ? draftOfSeeded(seeded) : null;
  for (const t of state.videoTasks.values()) {
    if (t.generationId === id) return draftOfTask(t, now, config);
  }
  return null;
}

export type ImageStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface ImageTaskView {
  status: ImageStatus;
  progress: number | null;
  active: boolean;
  doneAt: number;
  /** Whether the generations have their URLs yet. */
  urlsReady: boolean;
  failureReason: string | null;
  errorMessage: string | null;
}

export function imageTaskView(task: ImageTaskRec, now: number, config: SimConfig): ImageTaskView {
  const [q, r] = task.phasesMs;
  const e1 = task.createdAt + q;
  const doneAt = e1 + r;
  const base = { doneAt, urlsReady: false, failureReason: null, errorMessage: null };
  if (now < e1) return { ...base, status: 'queued', progress: 0, active: true };
  if (now < doneAt) {
    return { ...base, status: 'running', progress: round((now - e1) / Math.max(1, r)), active: true };
  }
  if (task.outcome !== 'ok') {
    return {
      ...base,
      status: 'failed',
      progress: 1,
      active: false,
      failureReason: task.outcome === 'policy' ? 'content_policy_violation' : 'internal_error',
      errorMessage: task.outcome === 'policy' ? POLICY_REASON : FAILED_REASON,
    };
  }
  const delay = variant(config, 'imageUrlDelaySec', task.id) * 1000;
  return { ...base, status: 'succeeded', progress: 1, active: false, urlsReady: now >= doneAt + delay };
}

/** Unfinished video + image tasks of a user at `now`: what the ceiling counts. */
export function activeTaskCount(state: SimState, userId: string, now: number, config: SimConfig): number {
  let n = 0;
  for (const t of state.videoTasks.values()) {
    if (t.userId === userId && videoTaskView(t, now, config).active) n++;
  }
  for (const t of state.imageTasks.values()) {
    if (t.userId === userId && imageTaskView(t, now, config).active) n++;
  }
  return n;
}

export function matchesAny(prompt: string, needles: string[]): boolean {
  const p = prompt.toLowerCase();
  return needles.some((n) => n.trim() !== '' && p.includes(n.trim().toLowerCase()));
}
