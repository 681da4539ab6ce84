/**
 * The one map of everything the extension's pages may ask the background. Each entry names the request
 * and the response type; `send` and `serve` in ./transport.ts are typed from it. Errors never cross as
 * exceptions with stacks: they arrive as `SerializedError` ({code, message}); branch on `code`.
 *
 * The access token never appears in any request, response or event here.
 */

import type { AccountSnapshot } from '../account/snapshot';
import type {
  ActivateResult,
  RedeemResult,
  SetUsernameResult,
  Sora2Status,
  UsernameCheckResult,
} from '../account/sora2';
// — characters —
import type { CharactersChanged } from '../characters/context';
import type { CreateCharacterRequest } from '../characters/create';
import type { FinishRequest } from '../characters/finish';
import type { CharacterRecord, Visibility } from '../characters/model';
import type { DownloadJob, DownloadMode } from '../db/download-record';
import type { HistoryItem } from '../db/history-record';
import type { Job, JobState } from '../db/job-record';
import type { PostRecord } from '../db/post-record';
// — enhance prompt —
import type { EnhanceResult } from '../enhance/enhance';
import type { EnhanceRequest } from '../enhance/validate';
import type { ImportProgress, ImportSummary } from '../history/import';
import type { EngineStatus } from '../jobs/engine-ops';
import type { JobsChanged } from '../jobs/engine-steps';
import type { JobInput } from '../jobs/input';
import type { MoveDirection } from '../jobs/queue';
import type { SerializedError } from '../sora/errors';

export interface Protocol {
  /** The account, plan and quota. `refresh: false` may answer from the background's cache. */
  'account.get': { req: { refresh?: boolean }; res: AccountSnapshot };
  /** Opens sora.chatgpt.com in a tab so the user can log in (or pass a Cloudflare check). */
  'auth.openLogin': { req: Record<string, never>; res: { tabId?: number } };

  /**
   * Queue generation jobs (one batch). Blobs cannot cross the message layer: a start image is first put
   * into IndexedDB by the page (`putFile`) and passed as `{fileId}`.
   */
  'jobs.enqueue': { req: { inputs: JobInput[] }; res: { jobs: Job[] } };
  /** Jobs in queue order; with `states`, only the jobs in one of them (the popup asks for the running ones). */
  'jobs.list': { req: { states?: JobState[] }; res: { jobs: Job[]; status: EngineStatus } };
  'jobs.cancel': { req: { ids: string[] }; res: { jobs: Job[] } };
  'jobs.retry': { req: { ids: string[] }; res: { jobs: Job[] } };
  'jobs.move': { req: { id: string; direction: MoveDirection }; res: null };
  'jobs.clearFinished': { req: Record<string, never>; res: { removed: number } };
  /** The user pauses / resumes the whole queue (running tasks are still followed). */
  'jobs.pause': { req: Record<string, never>; res: EngineStatus };
  'jobs.resume': { req: Record<string, never>; res: EngineStatus };

  // — account & settings —
  /** Sora 2 access: the account's own invite code (with its use count) and, when known, activation. */
  'account.sora2': { req: Record<string, never>; res: Sora2Status };
  /** Activates Sora 2 (`/m/bootstrap`). */
  'account.activate': { req: Record<string, never>; res: ActivateResult };
  /** Redeems someone's invite code; a bad code is a `refused` result, not an error. */
  'account.redeemInvite': { req: { code: string }; res: RedeemResult };
  /** Whether a username is free; names breaking the rule are answered `invalid` without asking Sora. */
  'account.checkUsername': { req: { username: string }; res: UsernameCheckResult };
  /** Sets the username, then re-reads the account (the fresh snapshot comes back and as 'account.changed'). */
  'account.setUsername': { req: { username: string }; res: SetUsernameResult };

  // — characters —
  /** Every stored character (finished and half-created), newest first. */
  'characters.list': { req: Record<string, never>; res: { characters: CharacterRecord[] } };
  /**
   * Starts creating a character from a video the page put into IndexedDB (`putFile`; Blobs cannot cross
   * messaging) with the part to use, `[start, end]` in seconds. Repeating it with the same file id answers
   * the same record. With `source: 'generation'` it is a video the user made on Sora instead (its `gen_…`
   * id, no file); repeating it for the same video and part answers the same record.
   */
  'characters.create': { req: CreateCharacterRequest; res: { character: CharacterRecord } };
  /** The finish form of a character in `waiting_for_user`: names, instructions, visibility → finalize. */
  'characters.finish': { req: { id: string } & FinishRequest; res: { character: CharacterRecord } };
  /** A failed character: back to the step that failed (or a fresh upload when Sora gave up on it). */
  'characters.retry': { req: { id: string }; res: { character: CharacterRecord } };
  /** Deletes on Sora and locally; `character` is null once gone, else the record with the reason it stayed. */
  'characters.remove': { req: { id: string }; res: { character: CharacterRecord | null } };
  'characters.setVisibility': {
    req: { id: string; visibility: Visibility };
    res: { character: CharacterRecord };
  };

  // — history & downloads —
  /** Brings in drafts and images made outside the extension (no duplicates); `full` pages to the end. */
  'history.importFromSora': { req: { full?: boolean }; res: ImportSummary };
  /** Reads an item's media URLs again (they expire); `item` is null when Sora no longer lists it. */
  'history.resolve': { req: { id: string }; res: { item: HistoryItem | null } };
  /** Removes items from history (tombstones, so an import does not bring them back); `removed`: the ids gone. */
  'history.delete': { req: { ids: string[] }; res: { removed: string[] } };
  /** Items read from a History file the user picked (checked on the page), merged without duplicates. */
  'history.importItems': {
    req: { items: HistoryItem[] };
    res: { added: HistoryItem[]; updated: HistoryItem[] };
  };
  /**
   * Downloads items: `clean` publishes, takes the watermark-free file and unpublishes again; `original`
   * takes the normal file.
   */
  'media.download': { req: { ids: string[]; mode: DownloadMode }; res: { jobs: DownloadJob[] } };
  'media.list': { req: Record<string, never>; res: { jobs: DownloadJob[] } };
  'media.cancel': { req: { ids: string[] }; res: { jobs: DownloadJob[] } };
  'media.clearFinished': { req: Record<string, never>; res: { removed: number } };
  /** Publishes an item as an unlisted share link and keeps it (remix, copy link). */
  'media.share': { req: { id: string }; res: { postId: string; url: string } };
  /** Deletes an item's kept share link. */
  'media.unpublish': { req: { id: string }; res: { item: HistoryItem | null } };

  // — enhance prompt —
  /**
   * A longer version of a prompt or a shot's scene, for a video of `durationS`. Bad input is refused
   * (`bad_request`, `local`) before anything is sent.
   */
  'prompt.enhance': { req: EnhanceRequest; res: EnhanceResult };
  /**
   * The user confirmed a parse service's download host: it is remembered in settings and the downloads
   * waiting on it go on (`jobs` are the woken ones). A malformed host is refused (`bad_request`, `local`).
   */
  'media.confirmHost': { req: { host: string }; res: { jobs: DownloadJob[] } };
  // — posts still online —
  /**
   * Downloads in `unsure` (their publish may have gone out and nothing can tell): the user chose to publish
   * again. `jobs` are the ones that went back to publishing.
   */
  'media.publishAgain': { req: { ids: string[] }; res: { jobs: DownloadJob[] } };
  /** Posts the extension made and has not deleted, except those an open download deletes by itself. */
  'posts.list': { req: Record<string, never>; res: { posts: PostRecord[] } };
  /** Deletes one of them on Sora (already gone counts as deleted); `posts` is the list afterwards. */
  'posts.delete': { req: { id: string }; res: { posts: PostRecord[] } };

  // — jobs that may already be on Sora —
  /** "Send again" for jobs waiting as "may already be on Sora" ("Drop" is `jobs.cancel`). */
  'jobs.sendAgain': { req: { ids: string[] }; res: { jobs: Job[] } };
}

export type RequestName = keyof Protocol;
export type RequestOf<K extends RequestName> = Protocol[K]['req'];
export type ResponseOf<K extends RequestName> = Protocol[K]['res'];

/** Events the background broadcasts to open extension pages. */
export interface Events {
  'account.changed': AccountSnapshot;
  /** Jobs that changed (full records) and ids removed. */
  'jobs.changed': JobsChanged;
  'jobs.status': EngineStatus;
  // — characters —
  /** Characters that changed (full records) and ids removed. */
  'characters.changed': CharactersChanged;
  // — history & downloads —
  /** History items added or changed by the background (import, fresh URLs, downloads), and ids removed. */
  'history.changed': { items: HistoryItem[]; removed: string[] };
  'history.importProgress': ImportProgress;
  /** Download jobs that changed (full records) and ids removed. */
  'media.changed': { jobs: DownloadJob[]; removed: string[] };
  /** The posts still online (the whole list, newest first). */
  'posts.changed': { posts: PostRecord[] };
}
export type EventName = keyof Events;

/** Wire format of one request and its answer. */
export interface RequestEnvelope<K extends RequestName = RequestName> {
  channel: 'companion';
  kind: 'request';
  name: K;
  req: RequestOf<K>;
}
export interface EventEnvelope<K extends EventName = EventName> {
  channel: 'companion';
  kind: 'event';
  name: K;
  payload: Events[K];
}
export type ResponseEnvelope<T> = { ok: true; value: T } | { ok: false; error: SerializedError };
