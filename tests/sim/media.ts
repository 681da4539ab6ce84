/**
 * The media CDN (videos.openai.com): small real files from tests/sim/media, behind signed, expiring URLs
 * shaped like the real Azure SAS ones (`se=` expiry, `sig=` signature).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const MEDIA_HOST = 'videos.openai.com';
/**
 * A host that is not Sora's, for the `mediaHost: 'foreign'` variant. Chromium is pointed at the simulator
 * for it too, so every request a client makes there shows in the log (the simulator answers 404).
 */
export const FOREIGN_MEDIA_HOST = 'media.elsewhere.example';

export const FIXTURES = {
  'video-clean-landscape.mp4': 'video/mp4',
  'video-wm-landscape.mp4': 'video/mp4',
  'video-clean-portrait.mp4': 'video/mp4',
  'video-wm-portrait.mp4': 'video/mp4',
  'video-noaudio.mp4': 'video/mp4',
  'thumb-landscape.webp': 'image/webp',
  'thumb-portrait.webp': 'image/webp',
  'image.png': 'image/png',
  'image.webp': 'image/webp',
  'image.jpg': 'image/jpeg',
  'profile.webp': 'image/webp',
} as const;

export type FixtureName = keyof typeof FIXTURES;

const MEDIA_DIR = fileURLToPath(new URL('./media/', import.meta.url));
const cache = new Map<FixtureName, Uint8Array<ArrayBuffer>>();

/** The bytes of a fixture (read once). Tests use it to tell the clean file from the watermarked one. */
export function loadFixture(name: FixtureName): Uint8Array<ArrayBuffer> {
  let bytes = cache.get(name);
  if (!bytes) {
    bytes = new Uint8Array(readFileSync(`${MEDIA_DIR}${name}`));
    cache.set(name, bytes);
  }
  return bytes;
}

/** Absolute path of a fixture file (e.g. to upload it from an end-to-end test). */
export function fixturePath(name: FixtureName): string {
  return `${MEDIA_DIR}${name}`;
}

export function signature(secret: string, path: string, se: string): string {
  return createHmac('sha256', secret).update(`${path}\n${se}`).digest('base64url');
}

export function signedMediaUrl(
  secret: string,
  path: string,
  expiresAtMs: number,
  host: string = MEDIA_HOST,
): string {
  const se = new Date(Math.floor(expiresAtMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const q = new URLSearchParams({ se, sp: 'r', sv: '2024-08-04', sr: 'b', sig: signature(secret, path, se) });
  return `https://${host}${path}?${q.toString()}`;
}

export type UrlCheck = 'ok' | 'bad_signature' | 'expired';

export function checkSignedUrl(secret: string, url: URL, now: number): UrlCheck {
  const se = url.searchParams.get('se');
  const sig = url.searchParams.get('sig');
  if (!se || !sig) return 'bad_signature';
  const want = Buffer.from(signature(secret, url.pathname, se));
  const got = Buffer.from(sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return 'bad_signature';
  const expires = Date.parse(se);
  if (!Number.isFinite(expires) || expires <= now) return 'expired';
  return 'ok';
}

/** A full or partial (206) answer for `bytes`, per the request's Range header. */
export function serveBytes(
  req: Request,
  bytes: Uint8Array<ArrayBuffer>,
  contentType: string,
  extraHeaders: Record<string, string>,
): Response {
  const size = bytes.byteLength;
  const headers: Record<string, string> = {
    'content-type': contentType,
    'accept-ranges': 'bytes',
    'cache-control': 'private, max-age=3600',
    'access-control-allow-origin': '*',
    'access-control-expose-headers': 'content-length, content-range, x-sim-watermark',
    ...extraHeaders,
  };
  const range = req.headers.get('range');
  if (!range) {
    return new Response(req.method === 'HEAD' ? null : bytes, {
      status: 200,
      headers: { ...headers, 'content-length': String(size) },
    });
  }
  const parsed = parseRange(range, size);
  if (!parsed) {
    return new Response(null, { status: 416, headers: { ...headers, 'content-range': `bytes */${size}` } });
  }
  const [start, end] = parsed;
  const part = bytes.subarray(start, end + 1);
  return new Response(req.method === 'HEAD' ? null : part, {
    status: 206,
    headers: {
      ...headers,
      'content-length': String(part.byteLength),
      'content-range': `bytes ${start}-${end}/${size}`,
    },
  });
}

/** One `bytes=a-b` / `bytes=a-` / `bytes=-n` range; multi-range requests get their first range. */
export function parseRange(header: string, size: number): [number, number] | null {
  const m = /^bytes=\s*(\d*)-(\d*)/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '') || size === 0) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return null;
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return null;
  return [start, end];
}
