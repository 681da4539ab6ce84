/**
 * The length of an MP4 from its `moov/mvhd` box, reading only box headers and the movie header. The page
 * asks a `<video>` element first; this is the fallback where the browser cannot decode the codec, and the
 * background's own check (a page is not trusted to have measured).
 */

const MAX_MOOV_BYTES = 8 * 1024 * 1024;

async function bytes(blob: Blob, from: number, to: number): Promise<DataView> {
  return new DataView(await blob.slice(from, to).arrayBuffer());
}

const typeAt = (view: DataView, offset: number): string =>
  String.fromCharCode(
    view.getUint8(offset),
    view.getUint8(offset + 1),
    view.getUint8(offset + 2),
    view.getUint8(offset + 3),
  );

/** Box header at `offset`: its type and total size (0 means "to the end"). */
async function boxAt(
  blob: Blob,
  offset: number,
): Promise<{ type: string; size: number; header: number } | null> {
  if (offset + 8 > blob.size) return null;
  const view = await bytes(blob, offset, Math.min(blob.size, offset + 16));
  let size = view.getUint32(0);
  const type = typeAt(view, 4);
  let header = 8;
  if (size === 1) {
    if (view.byteLength < 16) return null;
    size = Number(view.getBigUint64(8));
    header = 16;
  } else if (size === 0) {
    size = blob.size - offset;
  }
  if (size < header) return null;
  return { type, size, header };
}

/** The `mvhd` duration in seconds inside a `moov` box's payload. */
function mvhdSeconds(moov: DataView): number | null {
  let offset = 0;
  while (offset + 8 <= moov.byteLength) {
    const size = moov.getUint32(offset);
    const type = typeAt(moov, offset + 4);
    if (size < 8) return null;
    if (type === 'mvhd') {
      const body = offset + 8;
      if (body + 4 > moov.byteLength) return null;
      const version = moov.getUint8(body);
      if (version === 1) {
        if (body + 32 > moov.byteLength) return null;
        const timescale = moov.getUint32(body + 20);
        const duration = Number(moov.getBigUint64(body + 24));
        return timescale > 0 ? duration / timescale : null;
      }
      if (body + 20 > moov.byteLength) return null;
      const timescale = moov.getUint32(body + 12);
      const duration = moov.getUint32(body + 16);
      return timescale > 0 ? duration / timescale : null;
    }
    offset += size;
  }
  return null;
}

/** Seconds, or null when the file is not an MP4 this can read. */
export async function mp4DurationSec(blob: Blob): Promise<number | null> {
  try {
    let offset = 0;
    for (let i = 0; i < 64; i++) {
      const box = await boxAt(blob, offset);
      if (!box) return null;
      if (box.type === 'moov') {
        const length = box.size - box.header;
        if (length > MAX_MOOV_BYTES) return null;
        return mvhdSeconds(await bytes(blob, offset + box.header, offset + box.size));
      }
      offset += box.size;
    }
    return null;
  } catch {
    return null;
  }
}
