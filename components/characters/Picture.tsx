import { useEffect, useState } from 'preact/hooks';
import { getFile } from '../../lib/db/files';
import { getDb } from '../../lib/db/schema';
import { t } from '../../lib/i18n';

/**
 * A character's picture, read from IndexedDB (the background stored it there: the signed URL Sora gave
 * expires within days). Shows the name's first letter until there is one.
 */
export function Picture({ fileId, name, size = 56 }: { fileId: string | null; name: string; size?: number }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (fileId === null) {
      setUrl(null);
      return;
    }
    let objectUrl: string | null = null;
    let live = true;
    void getDb()
      .then((db) => getFile(db, fileId))
      .then((file) => {
        if (!live || !file) return;
        objectUrl = URL.createObjectURL(file.blob);
        setUrl(objectUrl);
      })
      .catch(() => {});
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [fileId]);
  const style = { width: `${size}px`, height: `${size}px` };
  if (url)
    return <img class="ch-picture" src={url} alt={t('characters.pictureOf', { name })} style={style} />;
  return (
    <span class="ch-picture ch-picture-empty" style={style} aria-hidden="true">
      {name.trim().charAt(0).toUpperCase() || '?'}
    </span>
  );
}
