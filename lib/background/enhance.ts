/** "Enhance prompt" in the background: one request, no state (nothing to resume after a worker stop). */
import { enhance } from '../enhance/enhance';
import type { Handlers } from '../messaging/transport';
import type { SoraHttp } from '../sora/http';

export function createEnhanceHandlers(http: SoraHttp): Handlers {
  return {
    'prompt.enhance': (req) => enhance(http, req),
  };
}
