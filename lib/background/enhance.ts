/** "Enhance prompt" in the background: one request, no state (nothing to resume after a worker stop). */
import { enhance } from '../enhance/enhance';
import type { PartialHandlers } from '../messaging/transport';
import type { SoraHttp } from '../sora/http';
import { defineFeature } from './feature';

export function createEnhanceHandlers(http: SoraHttp) {
  return {
    'prompt.enhance': (req) => enhance(http, req),
  } satisfies PartialHandlers;
}

export const enhanceFeature = defineFeature((ctx) => ({
  handlers: createEnhanceHandlers(ctx.http),
}));
