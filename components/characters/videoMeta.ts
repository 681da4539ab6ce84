/** Reads a picked video's length in the page, before anything is stored or sent. */
import { mp4DurationSec } from '../../lib/characters/mp4';

const METADATA_TIMEOUT_MS = 8000;

function durationFromElement(url: string): Promise<number | null> {
  return new Promise((resolve) => {
    const video = document.createElement('video');
    video.preload = 'metadata';
    video.muted = true;
    const finish = (value: number | null) => {
      clearTimeout(timer);
      video.onloadedmetadata = null;
      video.onerror = null;
      video.removeAttribute('src');
      video.load();
      resolve(value);
    };
    // A file the browser cannot decode may never fire either event.
    const timer = setTimeout(() => finish(null), METADATA_TIMEOUT_MS);
    video.onloadedmetadata = () =>
      finish(Number.isFinite(video.duration) && video.duration > 0 ? video.duration : null);
    video.onerror = () => finish(null);
    video.src = url;
  });
}

/** Seconds from a `<video>` element's metadata, else from the MP4's own header; null when neither works. */
export async function readVideoDuration(file: Blob): Promise<number | null> {
  const url = URL.createObjectURL(file);
  try {
    return (await durationFromElement(url)) ?? (await mp4DurationSec(file));
  } finally {
    URL.revokeObjectURL(url);
  }
}
