/**
 * The UI's character store (lib/stores/characters.ts): a view that missed an event (the worker stopped while
 * sending it) still catches up while a character is in a step the background runs by itself.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { type CharacterRecord, newCharacterRecord } from '../../lib/characters/model';

let listed: CharacterRecord[] = [];
const sent: string[] = [];

vi.mock('../../lib/messaging/transport', () => ({
  send: vi.fn(async (name: string) => {
    sent.push(name);
    return { characters: listed };
  }),
  listen: vi.fn(() => () => {}),
}));

const { useCharacters } = await import('../../lib/stores/characters');

const record = (patch: Partial<CharacterRecord>, at: number): CharacterRecord => ({
  ...newCharacterRecord(
    'chr_1',
    { fileId: 'f', fileName: 'me.mp4', size: 1, durationSec: 3, timestamps: [0, 2] },
    at,
  ),
  ...patch,
});

afterEach(() => {
  vi.useRealTimers();
});

it('reads the list again while a character is in an automatic step, so a missed event does not stick', async () => {
  vi.useFakeTimers();
  listed = [record({ state: 'uploading' }, 1_000)];
  const stop = useCharacters.getState().start();
  await vi.waitFor(() => expect(useCharacters.getState().records.chr_1?.state).toBe('uploading'));
  // The background moved on; no event reached this view.
  listed = [record({ state: 'waiting_for_user' }, 2_000)];
  await vi.advanceTimersByTimeAsync(15_000);
  expect(useCharacters.getState().records.chr_1?.state).toBe('waiting_for_user');
  // Waiting for the user is not a step the background runs: no more reads.
  const reads = sent.length;
  await vi.advanceTimersByTimeAsync(60_000);
  expect(sent.length).toBe(reads);
  stop();
});
