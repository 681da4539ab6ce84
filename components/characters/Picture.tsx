import { useEffect, useState } from 'preact/hooks';
import { t } from '../../lib/i18n';
import { readFile } from '../../lib/stores/files';
import { useObjectUrl } from '../useObjectUrl';

/**
 * A character's picture, read from IndexedDB (the background stored it there: the signed URL Sora gave
 * expires within days). Shows the name's first letter until there is one.
 */
export function Picture({ fileId, name, size = 56 }: { fileId: string | null; name: string; size?: number }) {
  const [blob, setBlob] = useState<Blob | null>(null);
  useEffect(() => {
    setBlob(null);
    if (fileId === null) return;
    let live = true;
    void readFile(fileId)
      .then((b) => {
        if (live) setBlob(b ?? null);
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [fileId]);
  const url = useObjectUrl(blob);
  const style = { width: `${size}px`, height: `${size}px` };
  if (url)
    return <img class="ch-picture" src={url} alt={t('characters.pictureOf', { name })} style={style} />;
  return (
    <span class="ch-picture ch-picture-empty" style={style} aria-hidden="true">
      {name.trim().charAt(0).toUpperCase() || '?'}
    </span>
  );
}
