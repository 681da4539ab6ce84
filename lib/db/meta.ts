/**
 * Small key → value records. Each key has one type, declared in {@link MetaValues}; other modules add
 * theirs there. Never a secret (no token, no cookie).
 */
import type { EnginePause, LearnedCeiling, PollState } from './job-record';
import type { CompanionDb } from './schema';

export interface MetaValues {
  /** Why the queue is not submitting (null: running). */
  'engine.pause': EnginePause | null;
  /** The ceiling Sora taught us with too_many_concurrent_tasks. */
  'engine.ceiling': LearnedCeiling | null;
  /** Poll times, interval and the last pending list (slot accounting, restart matching). */
  'engine.poll': PollState;
  /** When the engine wants to run next (null: idle). */
  'engine.nextWakeAt': number | null;
  /** Jobs that asked the user "may already be on Sora: send again or drop?" (a count, never reset). */
  'engine.askedUser': number;
}
export type MetaKey = keyof MetaValues;

export async function getMeta<K extends MetaKey>(
  db: CompanionDb,
  key: K,
): Promise<MetaValues[K] | undefined> {
  return (await db.get('meta', key)) as MetaValues[K] | undefined;
}

export async function setMeta<K extends MetaKey>(
  db: CompanionDb,
  key: K,
  value: MetaValues[K],
): Promise<void> {
  await db.put('meta', value, key);
}

export async function deleteMeta(db: CompanionDb, key: MetaKey): Promise<void> {
  await db.delete('meta', key);
}
