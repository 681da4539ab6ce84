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

/**
 * Which file a media URL names, without its signature: host + path. Signed URLs differ on every read (`se=`,
 * `sig=`), so only this tells whether two answers point at the same file. `undefined` for no URL.
 */
export function fileIdentity(url: string | null | undefined): string | undefined {
  const u = nonEmpty(url);
  if (u === undefined) return undefined;
  try {
    const parsed = new URL(u);
    return `${parsed.host.toLowerCase()}${parsed.pathname}`;
  } catch {
    return u.split(/[?#]/)[0];
  }
}

/** The files a draft (or attachment) names: its `url`, `downloadable_url` and `encodings.source.path`. */
export function mediaFileIdentities(item: MediaLike): string[] {
  const ids = [item.url, item.downloadable_url, item.encodings?.source?.path].map(fileIdentity);
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}

export type PostFileChoice =
  /** A file other than the draft's own: the post's clean file. */
  | { kind: 'other'; url: string }
  /** The post offers only the draft's own (watermarked) files. */
  | { kind: 'draft_file'; url: string }
  /** The attachment names no file at all. */
  | { kind: 'none' };

/**
 * The post attachment's file, in NOTES.md's order (`encodings.source.path`, else `downloadable_url`, else
 * `url`), told apart from the draft's own files (`draftFiles`, from {@link fileIdentity}). Whether a web
 * session's post read carries a clean file is unverified, so the first URL naming a DIFFERENT file wins;
 * when every URL names one of the draft's files, the post merely hands back the watermarked original. With
 * no draft file to compare against nothing can be told apart, so nothing is called different.
 */
export function choosePostFile(attachment: MediaLike, draftFiles: readonly string[]): PostFileChoice {
  const own = new Set(draftFiles);
  const urls = [attachment.encodings?.source?.path, attachment.downloadable_url, attachment.url]
    .map(nonEmpty)
    .filter((u): u is string => u !== undefined);
  const other = own.size === 0 ? undefined : urls.find((u) => !own.has(fileIdentity(u) as string));
  if (other !== undefined) return { kind: 'other', url: other };
  const first = urls[0];
  return first === undefined ? { kind: 'none' } : { kind: 'draft_file', url: first };
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
