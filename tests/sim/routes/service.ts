/**
 * What sora.chatgpt.com answers when it is not the Sora app any more (`config.service`, README "Service
 * modes"). NOTES.md "Service status": the web app closed in April 2026 and what the host answers today is
 * unverified, so each plausible answer is a mode. Every request to the host gets it (pages, the session
 * endpoint, /backend/*), after injected faults, logged like any other answer. The answers are the closed
 * site's own, never an echo of the request: a generic page, no Sora error envelope.
 */
import { SimDropError } from '../errors';
import type { ServiceMode } from '../types';

/** Where the `redirect` mode sends everything (a real address; nothing in the tests serves it). */
export const SERVICE_REDIRECT_TARGET = 'https://openai.com/sora';

const page = (title: string, text: string) => `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body><main><h1>${title}</h1><p>${text}</p></main></body></html>`;

const html = (status: number, body: string, extra: Record<string, string> = {}) =>
  new Response(body, {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...extra },
  });

/** The closed site's answer to any request, or null in `normal` mode. `unreachable` throws a drop. */
export function serviceAnswer(mode: ServiceMode): Response | null {
  switch (mode) {
    case 'normal':
      return null;
    case 'gone_404':
      return html(
        404,
        page('404: This page could not be found', 'The page you are looking for does not exist.'),
      );
    case 'gone_410':
      // A bare "Gone" as some CDNs send it: plain text, no envelope.
      return new Response('Gone', { status: 410, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    case 'html':
      // A 200 landing page where the API's JSON was due: the app is replaced by an announcement.
      return html(
        200,
        page('Sora', 'Sora has been discontinued. Thank you to everyone who created with Sora.'),
      );
    case 'redirect':
      return new Response(null, {
        status: 302,
        headers: { location: SERVICE_REDIRECT_TARGET, 'cache-control': 'no-store' },
      });
    case 'unreachable':
      // As if the name no longer resolved or TLS failed: the connection ends without an answer.
      throw new SimDropError();
  }
}
