/** Publishing a generation (for its share link and clean file), reading and deleting posts. */

import * as v from 'valibot';
import { SoraError } from '../errors';
import type { CallOptions, SoraHttp } from '../http';
import { parsePostId } from '../ids';
import {
  type AnyBody,
  OwnPostsResponseSchema,
  type Post,
  type PostCreateResponse,
  PostCreateResponseSchema,
  PostDeleteResponseSchema,
  type PostGetResponse,
  PostGetResponseSchema,
  PostSchema,
} from '../schemas';
import { SENTINEL_FLOWS } from '../sentinel';
import { invalid, requireNonEmpty } from './validate';

export interface PublishPostParams {
  /** The draft id (`gen_…`). */
  generationId: string;
  /** Default ''. */
  text?: string;
  /**
   * Publish as an unlisted share link (`destinations:[{type:"shared_link_unlisted"}]`) rather than to
   * the public feed. Default `true`. When Sora refuses that form (400-class), the plain form is sent.
   */
  unlisted?: boolean;
}

/** The JSON body of `POST /project_y/post`. */
export function buildPostBody(params: PublishPostParams, unlisted: boolean): Record<string, unknown> {
  return {
    attachments_to_create: [
      { generation_id: requireNonEmpty(params.generationId, 'The generation id'), kind: 'sora' },
    ],
    post_text: params.text ?? '',
    ...(unlisted ? { destinations: [{ type: 'shared_link_unlisted' }] } : {}),
  };
}

/**
 * Publishes a generation: `POST /project_y/post` `{attachments_to_create:[{generation_id, kind:"sora"}],
 * post_text, destinations?}` with `openai-sentinel-token` (flow `sora_2_create_post`) → `{post:{id:"s_…",
 * permalink?}}`. Unlisted by default; falls back to the plain form when the destinations form is refused
 * with 'bad_request'.
 */
export async function publishPost(
  http: SoraHttp,
  params: PublishPostParams,
  opts: CallOptions = {},
): Promise<PostCreateResponse> {
  const send = (unlisted: boolean) =>
    http.request({
      method: 'POST',
      path: '/project_y/post',
      json: buildPostBody(params, unlisted),
      sentinel: SENTINEL_FLOWS.createPost,
      schema: PostCreateResponseSchema,
      ...opts,
    });
  if (params.unlisted === false) return send(false);
  try {
    return await send(true);
  } catch (e) {
    if (e instanceof SoraError && e.code === 'bad_request') return send(false);
    throw e;
  }
}

function postIdOf(input: string): string {
  const id = parsePostId(input);
  if (id === null) invalid('Not a Sora post id or link.');
  return id;
}

/**
 * Reads a post and its attachments (media URLs): `GET /project_y/post/{postId}` → `{post:{id, text,
 * posted_at, permalink?, preview_image_url, attachments:[…]}}`. Accepts an id or a share link.
 */
export async function getPost(
  http: SoraHttp,
  postId: string,
  opts: CallOptions = {},
): Promise<PostGetResponse> {
  return http.request({
    method: 'GET',
    path: `/project_y/post/${postIdOf(postId)}`,
    schema: PostGetResponseSchema,
    ...opts,
  });
}

/**
 * Deletes a post: `DELETE /project_y/post/{postId}` → 200 (any body) or 204. Accepts an id or a share
 * link.
 */
export async function deletePost(http: SoraHttp, postId: string, opts: CallOptions = {}): Promise<AnyBody> {
  return http.request({
    method: 'DELETE',
    path: `/project_y/post/${postIdOf(postId)}`,
    schema: PostDeleteResponseSchema,
    ...opts,
  });
}

export interface OwnPostsPage {
  /** The entries that are posts (an id at least), newest first as Sora lists them. */
  posts: Post[];
  /** Null on the last page. */
  cursor: string | null;
}

/**
 * The user's own posts: `GET /project_y/profile_feed/me?cut=nf2` (NOTES.md: *unverified*, seen in one
 * client's notes). Its shape is not known: `{items:[{post}|post…], cursor}` and `{posts:[…]}` are both read,
 * entries that are not posts are skipped; a body with neither list is `bad_response`. A 404 (the route does
 * not exist) is `not_found` as everywhere: callers must be ready for it.
 */
export async function getOwnPosts(
  http: SoraHttp,
  params: { cursor?: string; limit?: number } = {},
  opts: CallOptions = {},
): Promise<OwnPostsPage> {
  const res = await http.request({
    method: 'GET',
    path: '/project_y/profile_feed/me',
    query: { cut: 'nf2', limit: params.limit, cursor: params.cursor },
    schema: OwnPostsResponseSchema,
    ...opts,
  });
  const list = res.items ?? res.posts;
  if (!list) throw new SoraError('bad_response', 'Sora’s list of your posts had an unexpected shape.');
  const posts: Post[] = [];
  for (const entry of list) {
    const wrapped = (entry as { post?: unknown } | null)?.post;
    const parsed = v.safeParse(PostSchema, wrapped ?? entry);
    if (parsed.success) posts.push(parsed.output);
  }
  const cursor =
    res.cursor === null || res.cursor === undefined || res.cursor === '' ? null : String(res.cursor);
  return { posts, cursor };
}
