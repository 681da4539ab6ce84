/**
 * A remix intent: what the "Remix this" context-menu click hands to the side panel. The background writes
 * it to storage.session (lib/util/storage-items.ts `remixIntentItem`); the panel reads it, applies it and
 * clears it (lib/stores/intent.ts). storage.session keeps it off disk and, at its default access level, out of reach
 * of content scripts, so a web page cannot plant a remix target.
 */
import { isPostId } from '../sora/ids';
import type { PostGetResponse } from '../sora/schemas';

/** An intent older than this is a leftover (the panel never opened); it is dropped instead of applied. */
export const INTENT_MAX_AGE_MS = 10 * 60_000;

/** Prompts longer than the Create form accepts are cut, so a huge caption cannot bloat storage. */
const MAX_PROMPT_CHARS = 10_000;

export interface RemixIntent {
  view: 'create';
  /** `s_` + 32 hex. */
  remixTarget: string;
  /** The original video's thumbnail (https), when Sora answered in time. */
  thumbnail?: string;
  /** The original prompt, when Sora answered in time. */
  prompt?: string;
  /** Epoch ms; also makes two clicks on the same post two distinct changes. */
  createdAt: number;
}

function httpsUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  try {
    return new URL(value).protocol === 'https:' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Thumbnail and prompt of a post's first attachment (the video being remixed), when present. */
export function describePost(res: PostGetResponse): Pick<RemixIntent, 'thumbnail' | 'prompt'> {
  const post = res.post;
  const first = post.attachments?.[0];
  const thumbnail = httpsUrl(first?.encodings?.thumbnail?.path) ?? httpsUrl(post.preview_image_url);
  const rawPrompt = first?.prompt || post.text || '';
  const prompt = rawPrompt.trim().slice(0, MAX_PROMPT_CHARS);
  return { ...(thumbnail ? { thumbnail } : {}), ...(prompt ? { prompt } : {}) };
}

/** Checks a stored value; `null` for anything that is not a fresh, well-formed intent. */
export function parseIntent(value: unknown, now: number = Date.now()): RemixIntent | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (v.view !== 'create' || !isPostId(v.remixTarget)) return null;
  if (typeof v.createdAt !== 'number' || !Number.isFinite(v.createdAt)) return null;
  if (now - v.createdAt > INTENT_MAX_AGE_MS || v.createdAt - now > 60_000) return null;
  const thumbnail = httpsUrl(v.thumbnail);
  const prompt = typeof v.prompt === 'string' && v.prompt !== '' ? v.prompt.slice(0, MAX_PROMPT_CHARS) : '';
  return {
    view: 'create',
    remixTarget: v.remixTarget,
    createdAt: v.createdAt,
    ...(thumbnail ? { thumbnail } : {}),
    ...(prompt ? { prompt } : {}),
  };
}
