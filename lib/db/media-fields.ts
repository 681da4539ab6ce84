/**
 * What Sora tells about a finished file besides its URL, kept alike by a job's result, a history item and a
 * draft read from Sora, so one reader fills all three.
 */
export interface MediaFields {
  /** The draft's `downloadable_url` (NOTES.md: whether it is watermark-free is unverified). */
  downloadUrl?: string;
  thumbnailUrl?: string;
  width?: number;
  height?: number;
  durationS?: number;
}

export const MEDIA_FIELD_KEYS = ['downloadUrl', 'thumbnailUrl', 'width', 'height', 'durationS'] as const;

/** The media fields `from` holds; absent ones stay absent (a stored record never gains `undefined` keys). */
export function mediaFieldsOf(from: MediaFields): MediaFields {
  const out: Record<string, unknown> = {};
  for (const key of MEDIA_FIELD_KEYS) if (from[key] !== undefined) out[key] = from[key];
  return out as MediaFields;
}
