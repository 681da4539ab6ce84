/**
 * What a file is by its first bytes, not by its name: a video renamed `.png` or a PDF saved as `.mp4` gets
 * the browser's type from the extension, so the type alone cannot tell. Only the handful of formats the
 * forms take or are likely to be handed by mistake are known; anything else is `null` (unrecognised).
 * A dozen fixed signatures did not seem worth a dependency in the pages' bundles.
 */

const ascii = (bytes: Uint8Array, from: number, to: number): string =>
  String.fromCharCode(...bytes.subarray(from, to));

const startsWith = (bytes: Uint8Array, signature: readonly number[]): boolean =>
  signature.every((b, i) => bytes[i] === b);

/** ISO base media files (MP4, MOV, AVIF, HEIC) name their family in the `ftyp` box's major brand. */
function isoType(brand: string): string {
  if (brand === 'qt  ') return 'video/quicktime';
  if (brand === 'avif' || brand === 'avis') return 'image/avif';
  if (['heic', 'heix', 'mif1', 'msf1'].includes(brand)) return 'image/heic';
  return 'video/mp4';
}

/** The MIME type of a file's content, or null when its first bytes match none of the known formats. */
export function typeOfBytes(bytes: Uint8Array): string | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'image/webp';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'AVI ') return 'video/x-msvideo';
  if (ascii(bytes, 0, 4) === 'GIF8') return 'image/gif';
  if (ascii(bytes, 4, 8) === 'ftyp') return isoType(ascii(bytes, 8, 12));
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return 'video/webm';
  if (ascii(bytes, 0, 5) === '%PDF-') return 'application/pdf';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'application/zip';
  return null;
}

/** {@link typeOfBytes} of a Blob's first bytes (only those are read). */
export async function typeOfContent(blob: Blob): Promise<string | null> {
  return typeOfBytes(new Uint8Array(await blob.slice(0, 16).arrayBuffer()));
}
