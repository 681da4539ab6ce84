/**
 * Choosing media URLs from drafts and post attachments, and reading what a draft means (NOTES.md
 * "Video generation", "Publishing and watermark-free download"). Media URLs are signed and expire after a
 * few days: resolve them again on 403 / 404.
 */
import type { DraftItem, Encodings, Post, PostAttachment } from './schemas';

/** The fields URL picking needs; drafts and post attachments both have them. */
export interface MediaLike {
  url?: string | null;
  downloadable_url?: string | null;
  encodings?: Encodings | null;
}

const nonEmpty = (s: string | null | undefined): string | undefined =>
  typeof s === 'string' && s !== '' ? s : undefined;

/**
 * The best file URL: the clean source `encodings.source.path`, else `downloadable_url`, else `url`.
 * `undefined` while Sora has not attached a URL yet.
 */
export function bestMediaUrl(item: MediaLike): string | undefined {
  return nonEmpty(item.encodings?.source?.path) ?? nonEmpty(item.downloadable_url) ?? nonEmpty(item.url);
}

/** The thumbnail of a draft or attachment (`encodings.thumbnail.path`). */
export function thumbnailUrl(item: MediaLike): string | undefined {
  return nonEmpty(item.encodings?.thumbnail?.path);
}

/** A post's thumbnail: its `preview_image_url`, else the first attachment's thumbnail. */
export function postThumbnailUrl(post: Pick<Post, 'preview_image_url' | 'attachments'>): string | undefined {
  const first = post.attachments?.[0];
  return nonEmpty(post.preview_image_url) ?? (first ? thumbnailUrl(first) : undefined);
}

/** The attachment of a post that holds a generation (by id), or the first one. */
export function findAttachment(
  post: Pick<Post, 'attachments'>,
  generationId?: string,
): PostAttachment | undefined {
  const list = post.attachments ?? [];
  return (generationId ? list.find((a) => a.generation_id === generationId) : undefined) ?? list[0];
}

export type DraftState =
  /** A result with a URL. */
  | { state: 'ready'; url: string; thumbnailUrl?: string }
  /** A result Sora has not attached a URL to yet: poll a little longer. */
  | { state: 'no_url_yet' }
  /** Refused by Sora's policy; `reason` is Sora's text when it gave one. */
  | { state: 'violation'; reason?: string }
  /** The generation failed for another reason (`error_reason`, or `kind: "sora_error"`; shape unverified). */
  | { state: 'failed'; reason?: string };

/**
 * What a draft means: `kind: "sora_content_violation"` or a non-empty `reason_str` is a policy
 * violation; a non-empty `error_reason` or `kind: "sora_error"` a failure; otherwise a result, possibly
 * still without a URL.
 */
export function classifyDraft(item: DraftItem): DraftState {
  const reason = nonEmpty(item.reason_str) ?? nonEmpty(item.markdown_reason_str);
  if (item.kind === 'sora_content_violation' || nonEmpty(item.reason_str) !== undefined) {
    return reason === undefined ? { state: 'violation' } : { state: 'violation', reason };
  }
  const error = nonEmpty(item.error_reason);
  if (item.kind === 'sora_error' || error !== undefined) {
    return error === undefined ? { state: 'failed' } : { state: 'failed', reason: error };
  }
  const url = bestMediaUrl(item);
  if (url === undefined) return { state: 'no_url_yet' };
  const thumb = thumbnailUrl(item);
  return thumb === undefined ? { state: 'ready', url } : { state: 'ready', url, thumbnailUrl: thumb };
}
