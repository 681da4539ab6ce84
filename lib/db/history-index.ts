/**
 * The cached copy of History's search index as it is stored in IndexedDB (the `historyIndex` store): plain
 * data only. lib/history/snapshot.ts writes and reads it.
 */
export interface SnapshotMeta {
  id: 'meta';
  version: number;
  /** Epoch ms when the state it holds was read. */
  asOf: number;
  chunks: number;
  entries: number;
  /** Ids deleted from history (tombstones), so the total can be checked. */
  tombstones: string[];
}

export interface SnapshotChunk {
  id: string;
  ids: string;
  shown: string;
  texts: string;
  created: Float64Array;
  kinds: Uint8Array;
  statuses: Uint8Array;
  orientations: Uint8Array;
  /**
   * bit 0: downloaded, bit 1: the last download was clean, bits 2–3: its file source (0 none, then
   * `FILE_SOURCES` of lib/history/snapshot.ts in order), bit 4: it fell back to the watermarked original.
   */
  flags: Uint8Array;
}

export type SnapshotRecord = SnapshotMeta | SnapshotChunk;
