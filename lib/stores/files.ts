/**
 * The pages' one door to the `files` store. A picked file goes into IndexedDB because a Blob cannot cross
 * runtime messaging; only its id travels to the background, which owns the file from then on (the job or
 * character that names it deletes it). A file the background never took is dropped again here.
 */
import { deleteFile, getFile, putFile } from '../db/files';
import { getDb } from '../db/schema';

/** Stores a file the user picked; returns the id to hand to the background. */
export async function stashFile(blob: Blob, name: string): Promise<string> {
  return putFile(await getDb(), blob, name);
}

/** Drops a stashed file no request took (best effort: the storage sweep removes what is left). */
export function dropFile(id: string): void {
  void getDb()
    .then((db) => deleteFile(db, id))
    .catch(() => {});
}

/** A stored file's bytes (a character's picture), or undefined when it is gone. */
export async function readFile(id: string): Promise<Blob | undefined> {
  return (await getFile(await getDb(), id))?.blob;
}
