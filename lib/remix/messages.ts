/**
 * The background → content-script question of the remix feature: "which post is under the pointer?".
 * The content script answers only the background (see content-listener.ts), and only with a post id:
 * nothing about the account, nothing from the page beyond that id.
 */
import { isPostId } from '../sora/ids';

export const POST_ID_UNDER_POINTER = 'companion.postIdUnderPointer';

export interface PostIdUnderPointerRequest {
  type: typeof POST_ID_UNDER_POINTER;
}

export interface PostIdUnderPointerAnswer {
  postId: string | null;
}

export const postIdUnderPointerRequest = (): PostIdUnderPointerRequest => ({ type: POST_ID_UNDER_POINTER });

/** Exactly `{type}`: extra fields mean someone else's message. */
export function isPostIdUnderPointerRequest(m: unknown): m is PostIdUnderPointerRequest {
  if (typeof m !== 'object' || m === null) return false;
  const keys = Object.keys(m);
  return keys.length === 1 && (m as Record<string, unknown>).type === POST_ID_UNDER_POINTER;
}

/** The post id in a content script's answer, or `null` when the answer is anything else. */
export function readPostIdAnswer(answer: unknown): string | null {
  if (typeof answer !== 'object' || answer === null) return null;
  const postId = (answer as Record<string, unknown>).postId;
  return isPostId(postId) ? postId : null;
}
