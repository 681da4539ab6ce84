/** JSON shapes of drafts and posts, with freshly signed media URLs. */
import type { SimCore } from '../core';
import { type DraftData, findDraft, videoDimensions } from '../model/tasks';
import type { PostRec } from '../state';
import { variant } from '../variants';

export function draftJson(core: SimCore, d: DraftData) {
  const { width, height } = videoDimensions(d.orientation, d.size);
  const delayMs = variant(core.config, 'draftUrlDelaySec', d.id) * 1000;
  const assets = d.assets && core.now() >= d.createdAt + delayMs ? d.assets : null;
  const full = variant(core.config, 'encodings', d.id) === 'full';
  const clean = variant(core.config, 'downloadableUrlClean', d.id);
  return {
    id: d.id,
    task_id: d.taskId,
    kind: d.kind,
    url: assets ? core.mediaUrl(assets.wm, d.id) : null,
    downloadable_url: assets ? core.mediaUrl(clean ? assets.cleanDownload : assets.wm, d.id) : null,
    encodings: assets
      ? {
          source: { path: core.mediaUrl(assets.wm, d.id) },
          thumbnail: { path: core.mediaUrl(assets.thumb, d.id) },
          ...(full
            ? { md: { path: core.mediaUrl(assets.md, d.id) }, gif: { path: core.mediaUrl(assets.gif, d.id) } }
            : {}),
        }
      : {},
    width,
    height,
    n_frames: d.nFrames,
    prompt: d.prompt,
    title: d.title,
    created_at: d.createdAt / 1000,
    reason_str: d.reasonStr,
    markdown_reason_str: d.markdownReasonStr,
    ...(d.errorReason ? { error_reason: d.errorReason } : {}),
  };
}

export function postJson(core: SimCore, post: PostRec) {
  const d = findDraft(core.state, post.generationId, Number.POSITIVE_INFINITY, core.config);
  const attachments = d?.assets ? [attachmentJson(core, post, d, d.assets)] : [];
  return {
    id: post.id,
    text: post.text,
    posted_at: post.postedAt / 1000,
    ...(variant(core.config, 'postPermalink', post.id) ? { permalink: permalink(post.id) } : {}),
    preview_image_url: d?.assets ? core.mediaUrl(d.assets.thumb, post.id) : null,
    shared_by: core.state.users.get(post.userId)?.id ?? null,
    visibility: post.unlisted ? 'unlisted' : 'public',
    attachments,
  };
}

function attachmentJson(
  core: SimCore,
  post: PostRec,
  d: DraftData,
  assets: NonNullable<DraftData['assets']>,
) {
  const { width, height } = videoDimensions(d.orientation, d.size);
  const full = variant(core.config, 'encodings', post.id) === 'full';
  // The draft's own files again, or a clean file of this post's own.
  const own = variant(core.config, 'postAttachmentFile', post.id) === 'draft';
  const draftDownload = variant(core.config, 'downloadableUrlClean', d.id) ? assets.cleanDownload : assets.wm;
  return {
    id: `${post.id}-attachment-0`,
    generation_id: d.id,
    kind: 'sora',
    url: core.mediaUrl(assets.wm, post.id),
    downloadable_url: core.mediaUrl(own ? draftDownload : post.cleanPath, post.id),
    width,
    height,
    n_frames: d.nFrames,
    prompt: d.prompt,
    task_id: d.taskId,
    encodings: {
      source: { path: core.mediaUrl(own ? assets.wm : post.cleanPath, post.id) },
      thumbnail: { path: core.mediaUrl(assets.thumb, post.id) },
      ...(full
        ? {
            md: { path: core.mediaUrl(assets.md, post.id) },
            gif: { path: core.mediaUrl(assets.gif, post.id) },
          }
        : {}),
    },
  };
}

export const permalink = (postId: string) => `https://sora.chatgpt.com/p/${postId}`;
