/**
 * "Enhance prompt": checks the request, asks Sora for a longer version, and says whether it is one. Runs in
 * the background (the only code that talks to Sora); the pages reach it through `prompt.enhance`.
 */
import { enhancePrompt } from '../sora/endpoints/editor';
import { SoraError } from '../sora/errors';
import type { CallOptions, SoraHttp } from '../sora/http';
import { checkEnhanceRequest } from './validate';

export interface EnhanceResult {
  /** Sora's suggestion, trimmed. */
  enhancedPrompt: string;
  /**
   * The suggestion is the prompt itself (after trimming): nothing to offer, and "Use this" would only
   * look like it did something.
   */
  unchanged: boolean;
}

/** The suggestion for a request; throws SoraError `bad_request` (local, nothing sent) for bad input. */
export async function enhance(
  http: SoraHttp,
  value: unknown,
  opts: CallOptions = {},
): Promise<EnhanceResult> {
  const check = checkEnhanceRequest(value);
  if (!check.ok) throw new SoraError('bad_request', check.message, { local: true });
  const enhancedPrompt = await enhancePrompt(http, check.request, opts);
  // A 200 without text would replace the prompt with nothing.
  if (enhancedPrompt === '') throw new SoraError('bad_response', 'Sora answered without a suggestion.');
  return { enhancedPrompt, unchanged: enhancedPrompt === check.request.prompt };
}
