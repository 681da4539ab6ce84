/** Files the user picked (start images), stored until the job that uses them is cleared. */
import { randomId } from '../util/id';
import type { CompanionDb, StoredFile } from './schema';

/** Stores a blob and returns its id. Extension pages may call this directly (same origin as the worker). */
export async function putFile(db: CompanionDb, blob: Blob, name: string, now = Date.now()): Promise<string> {
  const file: StoredFile = { id: randomId('file'), blob, name, type: blob.type, createdAt: now };
  await db.put('files', file);
  return file.id;
}

export function getFile(db: CompanionDb, id: string): Promise<StoredFile | undefined> {
  return db.get('files', id);
}

export function deleteFile(db: CompanionDb, id: string): Promise<void> {
  return db.delete('files', id);
}
