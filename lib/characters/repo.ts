/**
 * The `characters` store. Every change is ONE transaction that reads the current record and decides on
 * it, so a step result computed from a stale copy (the user removed the character while the upload ran)
 * cannot overwrite a newer state. Files a record stops pointing to (the video after finalize, everything on
 * removal) are deleted in the same transaction.
 */
import type { CompanionDb, StoredFile } from '../db/schema';
import { SoraError } from '../sora/errors';
import { byNewest, type CharacterRecord, generationOf, isAuto } from './model';

const asRecord = (value: unknown): CharacterRecord | undefined => value as CharacterRecord | undefined;

function fileIdsOf(record: CharacterRecord): string[] {
  return [record.video.fileId, record.pictureFileId].filter((id): id is string => id !== null);
}

export async function listCharacters(db: CompanionDb): Promise<CharacterRecord[]> {
  const all = (await db.getAll('characters')) as unknown as CharacterRecord[];
  return all.filter((r) => r.v === 1).sort(byNewest);
}

export async function getCharacter(db: CompanionDb, id: string): Promise<CharacterRecord | undefined> {
  return asRecord(await db.get('characters', id));
}

/** The record, or a `not_found` the page can show (the user acted on a character that is gone). */
export async function requireCharacter(db: CompanionDb, id: string): Promise<CharacterRecord> {
  const r = await getCharacter(db, id);
  if (!r) throw new SoraError('not_found', 'This character is no longer stored.');
  return r;
}

/** Records the flow works on by itself (model.isAuto), newest first. */
export async function listOpenCharacters(db: CompanionDb): Promise<CharacterRecord[]> {
  return (await listCharacters(db)).filter((r) => isAuto(r.state));
}

export async function addCharacter(db: CompanionDb, record: CharacterRecord): Promise<void> {
  await db.add('characters', record);
}

/**
 * Applies `decide` to the current record. `decide` returns the new record, or null to leave it as it is.
 * `files` are stored with the change, those the new record points to only (a step's download and the
 * record that names it are written together or not at all).
 * Returns the stored record when it changed, else null (also when there is no such record).
 */
export async function updateCharacter(
  db: CompanionDb,
  id: string,
  decide: (current: CharacterRecord) => CharacterRecord | null,
  files: readonly StoredFile[] = [],
): Promise<CharacterRecord | null> {
  const tx = db.transaction(['characters', 'files'], 'readwrite');
  const current = asRecord(await tx.objectStore('characters').get(id));
  const next = current ? decide(current) : null;
  if (current && next) {
    await tx.objectStore('characters').put(next);
    const kept = new Set(fileIdsOf(next));
    for (const file of files) {
      if (kept.has(file.id)) await tx.objectStore('files').put(file);
    }
    for (const fileId of fileIdsOf(current)) {
      if (!kept.has(fileId)) await tx.objectStore('files').delete(fileId);
    }
  }
  await tx.done;
  return current && next ? next : null;
}

/** Deletes the record and its files; false when it was already gone. */
export async function deleteCharacterRecord(db: CompanionDb, id: string): Promise<boolean> {
  const tx = db.transaction(['characters', 'files'], 'readwrite');
  const current = asRecord(await tx.objectStore('characters').get(id));
  if (current) {
    for (const fileId of fileIdsOf(current)) await tx.objectStore('files').delete(fileId);
    await tx.objectStore('characters').delete(id);
  }
  await tx.done;
  return current !== undefined;
}

/** The record made from this picked video, if any (a repeated `create` message must not make two). */
export async function findByVideoFile(db: CompanionDb, fileId: string): Promise<CharacterRecord | undefined> {
  return (await listCharacters(db)).find((r) => r.video.fileId === fileId);
}

/** The record made from this part of this video made on Sora, if any, unless it is being removed. */
export async function findByGenerationRange(
  db: CompanionDb,
  generationId: string,
  timestamps: readonly [number, number],
): Promise<CharacterRecord | undefined> {
  return (await listCharacters(db)).find(
    (r) =>
      r.state !== 'deleting' &&
      generationOf(r)?.generationId === generationId &&
      r.timestamps[0] === timestamps[0] &&
      r.timestamps[1] === timestamps[1],
  );
}
