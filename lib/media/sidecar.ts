/**
 * The optional `.txt` / `.json` file saved next to a download: the prompt and the settings, small text
 * only (handed to the browser as a data: URL). Never a URL (they are signed and expire) and never a token.
 */
import type { HistoryItem } from '../db/history-record';
import { orientationOf } from '../history/fields';
import { postUrl } from '../sora/config';
import { type FileSource, isCleanSource } from './model';

/** Which file was saved and where from. `source` null: a record of an older version, never checked. */
export interface SavedFile {
  source: FileSource | null;
  /** Asked for clean, saved the watermarked original. */
  fellBack: boolean;
}

/**
 * The file's origin in plain words (English, like the rest of the sidecar: it travels with the file, away
 * from the extension's language setting).
 */
export function fileSourceWords(file: SavedFile, kind: HistoryItem['kind']): string {
  switch (file.source) {
    case 'post_attachment':
      return "watermark-free, from the post's attachment (a different file than the draft's own)";
    case 'parse_service':
      return "watermark-free, from your parse service (a different file than the draft's own)";
    case 'original':
      if (kind === 'image') return 'the original file, as Sora serves it';
      return file.fellBack
        ? 'watermarked original: you asked for a watermark-free file, but no clean file was found'
        : 'watermarked original';
    default:
      return 'not recorded';
  }
}

export function sidecarRecord(item: HistoryItem, file: SavedFile, shareLinkKept: string | null) {
  const clean = isCleanSource(file.source);
  return {
    id: item.id,
    taskId: item.taskId || undefined,
    kind: item.kind,
    prompt: item.prompt,
    title: item.title,
    createdAt: new Date(item.createdAt).toISOString(),
    orientation: orientationOf(item),
    width: item.width,
    height: item.height,
    durationS: item.durationS,
    settings: item.params,
    watermarkFree: clean,
    fileSource: file.source ?? undefined,
    file: fileSourceWords(file, item.kind),
    fellBackToOriginal: file.fellBack || undefined,
    shareLink: shareLinkKept ?? undefined,
  };
}

export function sidecarText(
  format: 'txt' | 'json',
  item: HistoryItem,
  file: SavedFile,
  keptPostId: string | null,
): { text: string; mime: string; extension: string } {
  const share = keptPostId ? postUrl(keptPostId) : null;
  const record = sidecarRecord(item, file, share);
  if (format === 'json') {
    return { text: `${JSON.stringify(record, null, 2)}\n`, mime: 'application/json', extension: '.json' };
  }
  const settings = Object.entries(item.params)
    .filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`);
  const lines = [
    item.prompt,
    '',
    `id: ${item.id}`,
    `kind: ${item.kind}`,
    `created: ${record.createdAt}`,
    ...(record.orientation ? [`orientation: ${record.orientation}`] : []),
    ...settings,
    `watermark-free: ${record.watermarkFree ? 'yes' : 'no'}`,
    `file: ${record.file}`,
    ...(share ? [`share link: ${share}`] : []),
  ];
  return { text: `${lines.join('\n')}\n`, mime: 'text/plain', extension: '.txt' };
}

/** A data: URL for small text. */
export function textDataUrl(text: string, mime: string): string {
  return `data:${mime};charset=utf-8,${encodeURIComponent(text)}`;
}

/**
 * A URL the download manager can save small text from: a blob: URL where the background can make one
 * (Firefox's event page; Firefox is wary of data: downloads), else a data: URL (Chrome's service worker has
 * no `URL.createObjectURL`).
 */
export function textFileUrl(text: string, mime: string): string {
  const make = (URL as { createObjectURL?: (b: Blob) => string }).createObjectURL;
  if (typeof make !== 'function') return textDataUrl(text, mime);
  const url = make(new Blob([text], { type: `${mime};charset=utf-8` }));
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return url;
}
