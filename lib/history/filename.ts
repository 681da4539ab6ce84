/**
 * Download file names from a user template, safe on Windows, macOS and Linux and accepted by
 * `downloads.download` (Chrome refuses a whole download for one bad path component, so every component is
 * cleaned here rather than hoping).
 *
 * Template tokens: `{date}` (YYYY-MM-DD), `{time}` (HH-MM-SS), `{prompt}` / `{prompt:N}` (the first N
 * characters), `{id}`, `{kind}`, `{orientation}`, `{index}` / `{index:N}` (position in a bulk download,
 * zero-padded). `/` (or `\`) in the template makes subfolders. Unknown tokens stay as written, so a typo
 * shows in the preview instead of vanishing.
 */

export interface FilenameFields {
  id: string;
  kind: string;
  prompt: string;
  /** Epoch ms, formatted in local time. */
  createdAt: number;
  orientation?: string;
  /** 1-based position in a bulk download. */
  index?: number;
  /** Size of the bulk download (pads `{index}` to its width). */
  total?: number;
}

/** Bytes one path component may take (255 is the usual file-system limit; room left for " (12)"). */
export const MAX_COMPONENT_BYTES = 150;
/** Bytes of the whole relative path, so the download folder's own path still fits Windows' 260. */
export const MAX_PATH_BYTES = 200;
const DEFAULT_PROMPT_CHARS = 60;
const MAX_PROMPT_CHARS = 120;
const FALLBACK_NAME = 'sora';

const TOKEN = /\{(\w+)(?::(\d{1,3}))?\}/g;
const KNOWN_TOKENS = new Set(['date', 'time', 'prompt', 'id', 'kind', 'orientation', 'index']);

const WINDOWS_RESERVED = new Set([
  'con',
  'prn',
  'aux',
  'nul',
  'clock$',
  'conin$',
  'conout$',
  ...Array.from({ length: 9 }, (_, i) => `com${i + 1}`),
  ...Array.from({ length: 9 }, (_, i) => `lpt${i + 1}`),
  'com¹',
  'com²',
  'com³',
  'lpt¹',
  'lpt²',
  'lpt³',
]);
/** Whole names Chrome refuses as well. */
const RESERVED_FILES = new Set(['desktop.ini', 'thumbs.db']);
/** Extensions Windows' shell acts on; Chrome refuses a component ending in one. */
const SHELL_EXTENSIONS = new Set(['lnk', 'local', 'url', 'scf']);

/**
 * Characters no component may hold: Windows' forbidden set, `~` (Chrome refuses it: 8.3 short names),
 * control characters (C0, DEL, C1), and format characters — bidi overrides could disguise an extension,
 * and Chrome refuses the whole category (zero-width joiners included, so joined emoji fall apart into their
 * parts, which is still readable).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed here.
const ILLEGAL = /[<>:"/\\|?*~\u0000-\u001f\u007f-\u009f]|\p{Cf}|\p{Cs}|[\ufffe\uffff]/gu;

const encoder = new TextEncoder();
export const utf8Length = (s: string): number => encoder.encode(s).length;

/** User-perceived characters, so truncation never splits an emoji or a combining mark. */
function graphemes(s: string): string[] {
  const Segmenter = (Intl as { Segmenter?: typeof Intl.Segmenter }).Segmenter;
  if (Segmenter)
    return Array.from(new Segmenter(undefined, { granularity: 'grapheme' }).segment(s), (g) => g.segment);
  return Array.from(s);
}

/** The longest prefix of whole characters that fits `maxBytes` of UTF-8. */
export function truncateBytes(s: string, maxBytes: number): string {
  if (utf8Length(s) <= maxBytes) return s;
  let out = '';
  let bytes = 0;
  for (const g of graphemes(s)) {
    const n = utf8Length(g);
    if (bytes + n > maxBytes) break;
    out += g;
    bytes += n;
  }
  return out;
}

const truncateChars = (s: string, max: number): string => {
  const parts = graphemes(s);
  return parts.length <= max ? s : parts.slice(0, max).join('');
};

/**
 * Illegal characters become spaces (a prompt's "Shot 1: a cat?" reads better as "Shot 1 a cat" than with
 * underscores), whitespace runs one space. Separators too: a value never makes a folder.
 */
function cleanText(s: string): string {
  return s.normalize('NFC').replace(ILLEGAL, ' ').replace(/\s+/g, ' ');
}

/** What file systems strip or hide at the ends: spaces and dots (a leading dot hides the file on Unix). */
const trimEnds = (s: string): string => s.replace(/^[\s.]+/, '').replace(/[\s.]+$/, '');

/**
 * One safe path component (no separators), at most `maxBytes`. Empty when nothing usable is left; the
 * caller decides the fallback.
 */
export function sanitizeComponent(raw: string, maxBytes = MAX_COMPONENT_BYTES): string {
  let s = trimEnds(cleanText(raw));
  if (s === '' || s === '.' || s === '..') return '';
  s = trimEnds(truncateBytes(s, maxBytes));
  const lower = s.toLowerCase();
  const stem = lower.split('.')[0]?.trim() ?? '';
  if (WINDOWS_RESERVED.has(stem) || RESERVED_FILES.has(lower)) s = `_${s}`;
  const ext = lower.includes('.') ? lower.slice(lower.lastIndexOf('.') + 1) : '';
  if (SHELL_EXTENSIONS.has(ext) || /^\{.*\}$/.test(ext)) s = `${s}_`;
  return truncateBytes(s, maxBytes);
}

/** A folder path under the browser's download folder: each part cleaned, `.` / `..` / empty parts dropped. */
export function sanitizeFolder(raw: string): string {
  return raw
    .split(/[/\\]+/)
    .map((part) => sanitizeComponent(part, 60))
    .filter((part) => part !== '')
    .join('/');
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function tokenValue(name: string, arg: string | undefined, f: FilenameFields): string | undefined {
  const d = new Date(f.createdAt);
  switch (name) {
    case 'date':
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
    case 'time':
      return `${pad(d.getHours())}-${pad(d.getMinutes())}-${pad(d.getSeconds())}`;
    case 'prompt': {
      const max = Math.min(MAX_PROMPT_CHARS, arg === undefined ? DEFAULT_PROMPT_CHARS : Number(arg));
      return trimEnds(truncateChars(cleanText(f.prompt).trim(), max));
    }
    case 'id':
      return f.id;
    case 'kind':
      return f.kind;
    case 'orientation':
      return f.orientation ?? '';
    case 'index': {
      const index = f.index ?? 1;
      const width = Math.max(arg === undefined ? 0 : Number(arg), String(f.total ?? index).length);
      return pad(index, Math.min(width, 9));
    }
    default:
      return undefined;
  }
}

/** Tokens of a template that are not understood (for a hint under the field). */
export function unknownTokens(template: string): string[] {
  const out: string[] = [];
  for (const m of template.matchAll(TOKEN)) if (!KNOWN_TOKENS.has(m[1] ?? '')) out.push(m[0]);
  return out;
}

export type TemplateProblem = 'too_long' | 'control' | 'absolute' | 'parent' | 'chars' | 'reserved' | 'ends';

/**
 * What the user typed that a download could not honour as written, so the field refuses it with the reason
 * instead of saving something `buildFilename` would quietly rewrite. Only the literal text is judged:
 * token values (a prompt with `?` or `..`) are cleaned at download time. `name` is the offending part.
 */
export function templateProblem(template: string): { problem: TemplateProblem; name?: string } | null {
  const s = template.trim();
  if (utf8Length(s) > MAX_PATH_BYTES) return { problem: 'too_long' };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused here.
  if (/[\u0000-\u001f\u007f-\u009f]/.test(s)) return { problem: 'control' };
  if (/^([/\\~]|[A-Za-z]:)/.test(s)) return { problem: 'absolute' };
  for (const part of s.split(/[/\\]+/)) {
    const literal = part.replace(TOKEN, '');
    if (part.trim() === '..' || part.trim() === '.') return { problem: 'parent', name: part };
    if (/[<>:"|?*]/.test(literal)) return { problem: 'chars', name: part };
    const stem = part.toLowerCase().split('.')[0]?.trim() ?? '';
    if (WINDOWS_RESERVED.has(stem) || RESERVED_FILES.has(part.toLowerCase())) {
      return { problem: 'reserved', name: part };
    }
    if (/[\s.]$/.test(part) || /^\s/.test(part)) return { problem: 'ends', name: part };
  }
  return null;
}

/** The template filled in, as path components (not yet cleaned). Values never add separators. */
function expand(template: string, f: FilenameFields): string[] {
  const parts = template.split(/[/\\]+/);
  return parts.map((part) =>
    part.replace(TOKEN, (whole, name: string, arg: string | undefined) => {
      const value = tokenValue(name, arg, f);
      return value === undefined ? whole : cleanText(value);
    }),
  );
}

/** `.mp4`, `.png`, … from a media URL's path; `fallback` when it has none we trust. */
export function extensionFromUrl(url: string | undefined, fallback: string): string {
  if (!url) return fallback;
  try {
    const m = new URL(url).pathname.match(/\.([a-z0-9]{2,5})$/i);
    const ext = m?.[1]?.toLowerCase();
    return ext && ['mp4', 'mov', 'webm', 'png', 'jpg', 'jpeg', 'webp', 'gif'].includes(ext)
      ? `.${ext}`
      : fallback;
  } catch {
    return fallback;
  }
}

export interface BuildFilenameOptions {
  template: string;
  folder: string;
  /** With the dot: `.mp4`. */
  extension: string;
}

/** A folder level is not shortened below this many bytes before levels are dropped instead. */
const MIN_LEVEL_BYTES = 16;

/**
 * Folder levels that fit `budget` bytes joined with `/`. The path limit is kept by the folders, never by
 * the file name: first the longest level (the deepest of equals) is shortened, down to
 * {@link MIN_LEVEL_BYTES}; when that is not enough, the deepest levels are dropped.
 */
export function fitFolders(levels: readonly string[], budget: number): string[] {
  const out = [...levels];
  const size = () => (out.length === 0 ? 0 : utf8Length(out.join('/')));
  while (size() > budget) {
    let pick = -1;
    for (let i = 0; i < out.length; i++) {
      const bytes = utf8Length(out[i] as string);
      if (bytes > MIN_LEVEL_BYTES && (pick < 0 || bytes >= utf8Length(out[pick] as string))) pick = i;
    }
    if (pick < 0) break;
    const bytes = utf8Length(out[pick] as string);
    const shorter = sanitizeComponent(
      out[pick] as string,
      Math.max(MIN_LEVEL_BYTES, bytes - (size() - budget)),
    );
    if (shorter === '' || utf8Length(shorter) >= bytes) out.splice(pick, 1);
    else out[pick] = shorter;
  }
  while (size() > budget) out.pop();
  return out;
}

/**
 * The relative path handed to `downloads.download`: `<folder>/<template parts…>.<ext>`, every component
 * cleaned, the whole within {@link MAX_PATH_BYTES} (UTF-8 bytes, so at most as many UTF-16 units as
 * Windows counts). The file name and its extension are kept whole; folders give way ({@link fitFolders}).
 * Never empty, never absolute, never with `..`.
 */
export function buildFilename(f: FilenameFields, opts: BuildFilenameOptions): string {
  const ext = `.${sanitizeComponent(opts.extension.replace(/^\.+/, ''), 10) || 'bin'}`;
  const expanded = expand(opts.template.trim() === '' ? '{id}' : opts.template, f);
  const dirs = [
    ...sanitizeFolder(opts.folder).split('/'),
    ...expanded.slice(0, -1).map((p) => sanitizeComponent(p, 60)),
  ].filter((p) => p !== '');
  const room = MAX_COMPONENT_BYTES - utf8Length(ext);
  const base =
    sanitizeComponent(expanded.at(-1) ?? '', room) || sanitizeComponent(f.id, room) || FALLBACK_NAME;
  // A name like "con" only becomes reserved-safe with its prefix; re-check with the extension on.
  const file = sanitizeComponent(`${base}${ext}`, MAX_COMPONENT_BYTES) || `${FALLBACK_NAME}${ext}`;
  const folders = fitFolders(dirs, MAX_PATH_BYTES - utf8Length(file) - 1);
  return folders.length === 0 ? file : `${folders.join('/')}/${file}`;
}

/** The same path with another extension (sidecar `.txt` / `.json` next to the media file). */
export function withExtension(path: string, extension: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  const stem = dot > slash ? path.slice(0, dot) : path;
  return `${stem}${extension}`;
}
