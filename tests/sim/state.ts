/**
 * The simulator's data. Plain records only: statuses are never stored, they are computed from the clock on
 * every read (model/*.ts), so changing the clock speed or calling `advance()` needs no timers.
 */
import type { FixtureName } from './media';
import type { SentinelChallenge } from './sentinel';
import type { CameoOutcome, Plan } from './types';

export interface UserRec {
  id: string;
  email: string;
  name: string;
  username: string | null;
  image: string;
  plan: Plan;
  /** Epoch seconds. */
  planEndsAt: number;
  quota: { allowance: number; remaining: number; resetAt: number };
  inviteCode: string;
  redeemedCount: number;
  totalCount: number;
  inviteAccepted: boolean;
  inviteDeviceId: string | null;
  soraActivated: boolean;
  tokenEpoch: number;
  createdAt: number;
  /** Seeded accounts that own the public posts ("other users"). */
  seeded: boolean;
}

export interface SessionRec {
  /** The session cookie value. */
  token: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  ended: boolean;
  at: { token: string; exp: number; epoch: number } | null;
}

export interface VideoAssets {
  wm: string;
  md: string;
  gif: string;
  thumb: string;
  /** Clean file a draft's `downloadable_url` points at when the variant says so. */
  cleanDownload: string;
}

export interface VideoTaskRec {
  id: string;
  userId: string;
  source: 'create' | 'storyboard' | 'extension';
  createdAt: number;
  body: unknown;
  prompt: string;
  title: string | null;
  nFrames: number;
  orientation: 'landscape' | 'portrait';
  size: 'small' | 'large';
  model: string;
  remixTargetId: string | null;
  uploadIds: string[];
  cameoIds: string[];
  storyboard: { shots: { durationSec: number; scene: string }[]; instructions: string | null } | null;
  /** An extension: the generation it continues. */
  extendsGenerationId?: string;
  /** preprocessing, queued, running, processing (ms). */
  phasesMs: [number, number, number, number];
  outcome: 'ok' | 'policy' | 'failed';
  generationId: string;
  assets: VideoAssets;
  /** The prompt Sora stored and echoes (pending, drafts) when it rewrote the one sent (`rewritePrompts`). */
  storedPrompt?: string;
  /** Started outside the extension, as if in Sora's own page (`outsideTaskEvery`, control `outsideTask`). */
  outside?: boolean;
}

/** A draft that exists without a task of ours: seeded "made elsewhere" drafts and the seeded posts' sources. */
export interface SeededDraftRec {
  id: string;
  taskId: string;
  userId: string;
  createdAt: number;
  prompt: string;
  title: string;
  nFrames: number;
  orientation: 'landscape' | 'portrait';
  size: 'small' | 'large';
  assets: VideoAssets;
}

export interface ImageTaskRec {
  id: string;
  userId: string;
  createdAt: number;
  body: unknown;
  prompt: string;
  operation: string;
  width: number;
  height: number;
  uploadIds: string[];
  /** queued, running (ms). */
  phasesMs: [number, number];
  outcome: 'ok' | 'policy' | 'failed';
  generations: { id: string; path: string }[];
}

export interface PostRec {
  id: string;
  userId: string;
  text: string;
  postedAt: number;
  generationId: string;
  unlisted: boolean;
  deleted: boolean;
  /** Clean (watermark-free) source created when the post was published. */
  cleanPath: string;
  seeded: boolean;
}

export interface UploadRec {
  id: string;
  userId: string;
  name: string;
  type: string;
  size: number;
  createdAt: number;
}

export interface FileRec {
  pointer: string;
  userId: string;
  useCase: string;
  name: string;
  type: string;
  size: number;
}

export interface CameoRec {
  id: string;
  userId: string;
  createdAt: number;
  timestamps: [number, number];
  fileName: string;
  phasesMs: [number, number, number];
  outcome: CameoOutcome;
  profilePath: string;
  displayNameHint: string;
  usernameHint: string;
  visibility: 'public' | 'private';
  characterId: string | null;
  /** Made by `/characters/from-generation` from this draft (absent: uploaded). */
  sourceGenerationId?: string;
}

export interface CharacterRec {
  id: string;
  cameoId: string;
  userId: string;
  username: string;
  displayName: string;
  assetPointer: string;
  instructionSet: unknown;
  deleted: boolean;
}

export interface AssetRec {
  fixture: FixtureName;
  /** Only for videos. */
  watermark?: 'present' | 'none';
}

export class SimState {
  users = new Map<string, UserRec>();
  sessions = new Map<string, SessionRec>();
  refreshTokens = new Map<string, string>();
  videoTasks = new Map<string, VideoTaskRec>();
  seededDrafts = new Map<string, SeededDraftRec>();
  imageTasks = new Map<string, ImageTaskRec>();
  posts = new Map<string, PostRec>();
  uploads = new Map<string, UploadRec>();
  files = new Map<string, FileRec>();
  cameos = new Map<string, CameoRec>();
  characters = new Map<string, CharacterRec>();
  assets = new Map<string, AssetRec>();
  /** Keys the page sentinel SDK embeds, so page-made tokens are recognised. */
  pageKeys = new Set<string>();
  /** Proof-of-work challenges handed out by chatgpt.com's requirements exchange, by token. */
  sentinelChallenges = new Map<string, SentinelChallenge>();
  seededPostIds: string[] = [];
  /** Outcome given to cameos created from now on. */
  defaultCameoOutcome: CameoOutcome = 'normal';
  /** Email of the user who last logged in (default owner for seeded drafts). */
  lastLoginEmail: string | null = null;

  userByEmail(email: string): UserRec | undefined {
    const wanted = email.trim().toLowerCase();
    for (const u of this.users.values()) if (u.email === wanted) return u;
    return undefined;
  }
}
