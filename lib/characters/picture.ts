/**
 * The suggested picture is re-uploaded as image/webp (NOTES.md step 3). Sora's own picture is webp
 * already; anything else is re-encoded where the runtime can (OffscreenCanvas in the service worker).
 */

export const PICTURE_NAME = 'profile.webp';

async function isWebpBytes(blob: Blob): Promise<boolean> {
  const head = new Uint8Array(await blob.slice(0, 12).arrayBuffer());
  const ascii = (from: number, to: number) => String.fromCharCode(...head.slice(from, to));
  return head.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP';
}

interface CanvasRuntime {
  createImageBitmap?: (blob: Blob) => Promise<ImageBitmap>;
  OffscreenCanvas?: new (
    w: number,
    h: number,
  ) => {
    getContext(kind: '2d'): { drawImage(img: ImageBitmap, x: number, y: number): void } | null;
    convertToBlob(opts: { type: string; quality?: number }): Promise<Blob>;
  };
}

/**
 * The picture as an image/webp Blob. Bytes that are webp keep their bytes (only the type is set, CDNs
 * sometimes say octet-stream); others are re-encoded when possible, else returned as they are (the upload
 * endpoint also takes PNG and JPEG).
 */
export async function asWebp(
  blob: Blob,
  runtime: CanvasRuntime = globalThis as CanvasRuntime,
): Promise<Blob> {
  if (await isWebpBytes(blob))
    return blob.type === 'image/webp' ? blob : new Blob([blob], { type: 'image/webp' });
  const { createImageBitmap, OffscreenCanvas } = runtime;
  if (!createImageBitmap || !OffscreenCanvas) return blob;
  try {
    const bitmap = await createImageBitmap(blob);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0);
    bitmap.close();
    const out = await canvas.convertToBlob({ type: 'image/webp', quality: 0.92 });
    return out.type === 'image/webp' ? out : blob;
  } catch {
    return blob;
  }
}
