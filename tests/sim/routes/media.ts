/** videos.openai.com: signed, expiring URLs; 404 unknown, 403 bad signature or expired (by sim time). */
import type { Hono } from 'hono';
import type { SimCore, SimEnv } from '../core';
import { checkSignedUrl, FIXTURES, loadFixture, serveBytes } from '../media';

const AZURE_403 = (reason: string) =>
  `<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code><Message>${reason}</Message></Error>`;

export function registerMedia(app: Hono<SimEnv>, core: SimCore): void {
  app.get('*', (c) => {
    const url = new URL(c.req.url);
    const asset = core.state.assets.get(url.pathname);
    if (!asset) {
      return c.body('<?xml version="1.0" encoding="utf-8"?><Error><Code>BlobNotFound</Code></Error>', 404, {
        'content-type': 'application/xml',
      });
    }
    const check = checkSignedUrl(core.secret, url, core.now());
    if (check !== 'ok') {
      const reason = check === 'expired' ? 'Signed expiry time has passed.' : 'Signature did not match.';
      return c.body(AZURE_403(reason), 403, { 'content-type': 'application/xml', 'x-sim-reason': check });
    }
    const headers: Record<string, string> = {};
    if (asset.watermark) headers['x-sim-watermark'] = asset.watermark;
    return serveBytes(c.req.raw, loadFixture(asset.fixture), FIXTURES[asset.fixture], headers);
  });
}
