/** Which file a download saved, in the user's language (lib/media/model.ts says when a file counts as clean). */
import type { FileSource, HistoryItem } from '../../lib/db/history-record';
import type { MessageKey } from '../../lib/i18n';

/**
 * The label of a saved file: clean only with a source other than the draft's own file; an image has no
 * watermark-free variant to speak of. `null` when the source was not recorded (a download of an older
 * version, never checked): nothing is claimed then.
 */
export function fileSourceKey(
  source: FileSource | null | undefined,
  fellBack: boolean,
  kind: HistoryItem['kind'],
): MessageKey | null {
  switch (source) {
    case 'post_attachment':
      return 'history.source.post_attachment';
    case 'parse_service':
      return 'history.source.parse_service';
    case 'original':
      if (kind === 'image') return 'history.source.image';
      return fellBack ? 'history.source.fallback' : 'history.source.original';
    default:
      return null;
  }
}
