/** Small request helpers shared by the route modules. */
import type { Context } from 'hono';
import type { SimCore, SimEnv } from './core';
import { errors } from './errors';

export type Ctx = Context<SimEnv>;
export type Json = Record<string, unknown>;

/** The JSON object body, or 400 invalid_json. */
export async function readJson(c: Ctx): Promise<Json> {
  let text: string;
  try {
    text = await c.req.text();
  } catch {
    throw errors.invalidJson();
  }
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Json;
  } catch {
    // fall through to the same answer as a non-object body
  }
  throw errors.invalidJson();
}

/** The multipart form, or 400. */
export async function readForm(c: Ctx): Promise<FormData> {
  if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')) {
    throw errors.invalid('file', 'Expected a multipart/form-data body.', 'invalid_content_type');
  }
  try {
    return await c.req.raw.formData();
  } catch {
    throw errors.invalid('file', 'The multipart body could not be read.', 'invalid_content_type');
  }
}

export function formFile(form: FormData, field: string): File {
  const v = form.get(field);
  if (!v || typeof v === 'string')
    throw errors.invalid(field, `Missing file field "${field}".`, 'missing_file');
  return v;
}

/** The four generation endpoints refuse a missing, empty or (per sentinelMode) unacceptable token. */
export function requireSentinel(core: SimCore, c: Ctx): void {
  const entry = c.env.entry;
  const value = c.req.header('openai-sentinel-token');
  if (value === undefined || value.trim() === '') {
    entry.sentinelSource = 'missing';
    throw errors.sentinelBlock();
  }
  if (!core.sentinelAccepted(entry.sentinelSource)) throw errors.sentinelBlock();
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

/** `limit` query parameter clamped to [1, max]. */
export function limitParam(c: Ctx, fallback: number, max: number): number {
  const n = Number(c.req.query('limit'));
  return Number.isInteger(n) && n > 0 ? Math.min(n, max) : fallback;
}

export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'];

/** The declared type when it is one we take, else a type sniffed from the first bytes. */
export async function imageType(file: File): Promise<string | null> {
  if (IMAGE_TYPES.includes(file.type)) return file.type;
  if (file.type && file.type !== 'application/octet-stream') return null;
  const b = new Uint8Array(await file.slice(0, 12).arrayBuffer());
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  if (b[0] === 0xff && b[1] === 0xd8) return 'image/jpeg';
  if (b[0] === 0x52 && b[1] === 0x49 && b[8] === 0x57 && b[9] === 0x45) return 'image/webp';
  return null;
}

export const USERNAME_RE = /^[a-z0-9][a-z0-9._]{2,29}$/;

export function checkUsernameFormat(name: unknown, param = 'username'): string {
  if (typeof name !== 'string' || !USERNAME_RE.test(name)) {
    throw errors.invalid(
      param,
      'Usernames are 3–30 characters: lower-case letters, digits, "." and "_", starting with a letter or digit.',
      'invalid_username',
    );
  }
  return name;
}
