/** Extending a finished video (NOTES.md, "Endpoints the last public clients added"). */
import type { CallOptions, SoraHttp } from '../http';
import { isGenerationId } from '../ids';
import { type ExtensionSeconds, isExtensionSeconds } from '../options';
import { type NfCreateResponse, NfCreateResponseSchema } from '../schemas';
import { SENTINEL_FLOWS } from '../sentinel';
import { invalid, requireId, requireNonEmpty } from './validate';

export interface ExtendVideoParams {
  /** The draft to continue (`gen_…`). */
  generationId: string;
  /** What happens next. */
  prompt: string;
  seconds: ExtensionSeconds;
}

/** The JSON body of `long_video_extension`, as the public clients send it. */
export function buildExtendBody(params: ExtendVideoParams): Record<string, unknown> {
  if (!isExtensionSeconds(params.seconds)) invalid('The extension length must be 10 or 15 seconds.');
  return {
    user_prompt: requireNonEmpty(params.prompt, 'The prompt'),
    extension_duration_s: params.seconds,
    // Always on in the clients we know of: Sora then stores ITS wording of the prompt on the draft, so the
    // result must be found by task id, never by prompt text.
    enable_rewrite: true,
  };
}

/**
 * Continues a finished video: `POST /project_y/profile/drafts/{gen_id}/long_video_extension` with
 * `openai-sentinel-token` (flow `sora_2_create_task`) → `{id:"task_…", task_type?, …}`. The result arrives
 * like any video: the pending list, then the drafts.
 */
export async function extendVideo(
  http: SoraHttp,
  params: ExtendVideoParams,
  opts: CallOptions = {},
): Promise<NfCreateResponse> {
  const genId = requireId(params.generationId, 'The video to extend', isGenerationId);
  return http.request({
    method: 'POST',
    path: `/project_y/profile/drafts/${encodeURIComponent(genId)}/long_video_extension`,
    json: buildExtendBody(params),
    sentinel: SENTINEL_FLOWS.createTask,
    schema: NfCreateResponseSchema,
    ...opts,
  });
}
