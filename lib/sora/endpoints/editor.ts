/** The prompt editor's helpers (NOTES.md, "Endpoints the last public clients added"). */
import type { CallOptions, SoraHttp } from '../http';
import type { EnhanceDuration, ExpansionLevel } from '../options';
import { EnhancePromptResponseSchema } from '../schemas';

export interface EnhancePromptParams {
  prompt: string;
  expansionLevel: ExpansionLevel;
  durationS: EnhanceDuration;
}

/**
 * A longer, more detailed version of a prompt: `POST /editor/enhance_prompt`
 * `{prompt, expansion_level, duration_s}` → `{enhanced_prompt}`. No sentinel. The text comes back trimmed:
 * Sora's suggestion may carry surrounding blank lines that would otherwise land in the user's prompt.
 */
export async function enhancePrompt(
  http: SoraHttp,
  params: EnhancePromptParams,
  opts: CallOptions = {},
): Promise<string> {
  const res = await http.request({
    method: 'POST',
    path: '/editor/enhance_prompt',
    json: { prompt: params.prompt, expansion_level: params.expansionLevel, duration_s: params.durationS },
    schema: EnhancePromptResponseSchema,
    ...opts,
  });
  return res.enhanced_prompt.trim();
}
