/** The character flow's small parts: checks, mentions, the MP4 length reader, the picture download. */
import { describe, expect, it, vi } from 'vitest';
import { appendMention, cameoIdsFor, mentionedIn, withMentions } from '../../lib/characters/mention';
import { type CharacterRecord, canRetry, newCharacterRecord, stepIndex } from '../../lib/characters/model';
import { mp4DurationSec } from '../../lib/characters/mp4';
import { asWebp } from '../../lib/characters/picture';
import { fetchMedia } from '../../lib/characters/port';
import {
  defaultRange,
  finishProblems,
  instructionSetFor,
  instructionsText,
  rangeProblem,
  videoFileProblem,
  videoProblem,
} from '../../lib/characters/validate';
import { insertMention, useMentions } from '../../lib/stores/mention';
import { loadFixture } from '../sim/app';

describe('checks', () => {
  it('video type, size and length', () => {
    const mp4 = { type: 'video/mp4', name: 'a.mp4', size: 1000 };
    expect(videoFileProblem(mp4)).toBeNull();
    expect(videoFileProblem({ ...mp4, type: '' })).toBeNull();
    expect(videoFileProblem({ ...mp4, type: '', name: 'a.mov' })).toBe('type');
    expect(videoFileProblem({ ...mp4, type: 'video/quicktime' })).toBe('type');
    expect(videoFileProblem({ ...mp4, size: 0 })).toBe('empty');
    expect(videoFileProblem({ ...mp4, size: 51 * 1024 * 1024 })).toBe('too_big');
    expect(videoProblem({ ...mp4, durationSec: 59.9 })).toBeNull();
    expect(videoProblem({ ...mp4, durationSec: 61 })).toBe('too_long');
    expect(videoProblem({ ...mp4, durationSec: null })).toBe('unreadable');
  });

  it('time range: order, 1–10 s, inside the video', () => {
    expect(rangeProblem(0, 3, 20)).toBeNull();
    expect(rangeProblem(0.5, 10.5, 20)).toBeNull();
    expect(rangeProblem(0, 10.1, 20)).toBe('too_long');
    expect(rangeProblem(2, 2.5, 20)).toBe('too_short');
    expect(rangeProblem(3, 2, 20)).toBe('order');
    expect(rangeProblem(-1, 2, 20)).toBe('invalid');
    expect(rangeProblem(Number.NaN, 2, 20)).toBe('invalid');
    expect(rangeProblem(1, 2.05, 2)).toBeNull();
    expect(rangeProblem(1, 2.5, 2)).toBe('past_end');
    expect(defaultRange(2.04)).toEqual([0, 2]);
    expect(defaultRange(45)).toEqual([0, 10]);
  });

  it('finish form', () => {
    const ok = { username: 'ada.l', displayName: 'Ada', instructions: '', visibility: 'private' as const };
    expect(finishProblems(ok)).toEqual([]);
    expect(finishProblems({ ...ok, username: '@ada.l' })).toEqual([]);
    expect(finishProblems({ ...ok, username: 'Ada' })).toEqual([{ field: 'username', problem: 'uppercase' }]);
    expect(finishProblems({ ...ok, displayName: ' ' })).toEqual([{ field: 'displayName', problem: 'empty' }]);
    expect(finishProblems({ ...ok, instructions: 'x'.repeat(2001) })[0]?.field).toBe('instructions');
  });

  it('instructions keep Sora’s shape', () => {
    const hint = { description: 'Ada, friendly.', extra: 1 };
    expect(instructionsText(hint)).toBe('Ada, friendly.');
    expect(instructionsText('plain')).toBe('plain');
    expect(instructionsText(null)).toBe('');
    expect(instructionSetFor('Ada, friendly.', hint)).toBe(hint);
    expect(instructionSetFor('Grumpy.', hint)).toEqual({ description: 'Grumpy.', extra: 1 });
    expect(instructionSetFor('Grumpy.', 'plain')).toBe('Grumpy.');
    expect(instructionSetFor('Grumpy.', null)).toEqual({ description: 'Grumpy.' });
    expect(instructionSetFor('  ', null)).toBeNull();
  });
});

describe('records', () => {
  const base = () =>
    newCharacterRecord(
      'char_1',
      { fileId: 'file_1', fileName: 'a.mp4', size: 1, durationSec: 2, timestamps: [0, 2] },
      1000,
    );
  const failed = (patch: Partial<CharacterRecord>): CharacterRecord => ({
    ...base(),
    state: 'failed',
    ...patch,
  });

  it('what retry can do', () => {
    const at = 0;
    expect(canRetry(base())).toBe(false);
    expect(
      canRetry(failed({ failedStep: 'preparing', lastError: { code: 'network', message: '', at } })),
    ).toBe(true);
    const gone = { ...base().video, fileId: null };
    expect(
      canRetry(
        failed({
          failedStep: 'processing',
          video: gone,
          lastError: { code: 'cameo_failed', message: '', at },
        }),
      ),
    ).toBe(false);
    expect(
      canRetry(
        failed({
          failedStep: 'processing',
          video: gone,
          lastError: { code: 'cameo_stalled', message: '', at },
        }),
      ),
    ).toBe(true);
    expect(
      canRetry(
        failed({ failedStep: 'finalizing', lastError: { code: 'already_finalized', message: '', at } }),
      ),
    ).toBe(false);
  });

  it('step index follows failures and removals', () => {
    expect(stepIndex(base())).toBe(0);
    expect(stepIndex(failed({ failedStep: 'finalizing' }))).toBe(4);
    expect(stepIndex({ ...base(), state: 'deleting', stateBeforeDelete: 'waiting_for_user' })).toBe(3);
    expect(stepIndex({ ...base(), state: 'ready' })).toBe(6);
  });
});

describe('mentions', () => {
  it('finds @username as a whole word', () => {
    expect(mentionedIn('@ada.l waves', 'ada.l')).toBe(true);
    expect(mentionedIn('hi @ada.l.', 'ada.l')).toBe(true);
    expect(mentionedIn('hi @ada.lx', 'ada.l')).toBe(false);
    expect(mentionedIn('hi @ada.l.x', 'ada.l')).toBe(false);
    expect(mentionedIn('mail ada@ada.l', 'ada.l')).toBe(false);
    expect(mentionedIn('no mention', 'ada.l')).toBe(false);
  });

  it('appends once, with a space', () => {
    expect(appendMention('', 'ada')).toBe('@ada ');
    expect(appendMention('a cat', 'ada')).toBe('a cat @ada ');
    expect(appendMention('a cat\n', 'ada')).toBe('a cat\n@ada ');
    expect(appendMention('@ada waves', 'ada')).toBe('@ada waves');
  });

  it('sends ids only for mentions still in the prompt, never on images', () => {
    const mentions = [
      { username: 'ada', characterId: 'ch_a' },
      { username: 'bob', characterId: 'ch_b' },
    ];
    expect(cameoIdsFor('@ada and @ada', mentions)).toEqual(['ch_a']);
    expect(
      withMentions(
        [
          { kind: 'video', prompt: '@ada dances' },
          { kind: 'video', prompt: 'nobody' },
          { kind: 'image', prompt: '@ada' },
          { kind: 'remix', prompt: '@bob too', remixTarget: 's_x', cameoIds: ['ch_z'] },
        ],
        mentions,
      ),
    ).toEqual([
      { kind: 'video', prompt: '@ada dances', cameoIds: ['ch_a'] },
      { kind: 'video', prompt: 'nobody' },
      { kind: 'image', prompt: '@ada' },
      { kind: 'remix', prompt: '@bob too', remixTarget: 's_x', cameoIds: ['ch_z', 'ch_b'] },
    ]);
  });

  it('the mention store hands each mention to its target once', () => {
    insertMention('ada', 'ch_a');
    insertMention('bob', 'ch_b', 'storyboard');
    expect(useMentions.getState().take('create')).toEqual([{ username: 'ada', characterId: 'ch_a' }]);
    expect(useMentions.getState().take('create')).toEqual([]);
    expect(useMentions.getState().take('storyboard')).toEqual([{ username: 'bob', characterId: 'ch_b' }]);
  });
});

describe('media', () => {
  it('reads an MP4’s length from its header', async () => {
    const mp4 = new Blob([loadFixture('video-clean-landscape.mp4')]);
    expect(await mp4DurationSec(mp4)).toBeCloseTo(2, 1);
    expect(await mp4DurationSec(new Blob([loadFixture('image.png')]))).toBeNull();
    expect(await mp4DurationSec(new Blob([]))).toBeNull();
  });

  it('keeps webp bytes, and labels them', async () => {
    const bytes = loadFixture('profile.webp');
    const untyped = new Blob([bytes], { type: 'application/octet-stream' });
    const out = await asWebp(untyped);
    expect(out.type).toBe('image/webp');
    expect(out.size).toBe(bytes.length);
    // Not webp and no canvas: handed on as it is (the endpoint takes PNG too).
    const png = new Blob([loadFixture('image.png')], { type: 'image/png' });
    expect(await asWebp(png, {})).toBe(png);
  });

  it('downloads the picture without credentials; an expired link is not_found', async () => {
    const fetchFn = vi.fn(async () => new Response(new Uint8Array([1, 2, 3]), { status: 200 }));
    const blob = await fetchMedia(fetchFn, 'https://videos.openai.com/az/files/x/profile.webp?se=1');
    expect(blob.size).toBe(3);
    expect(fetchFn).toHaveBeenCalledWith(
      'https://videos.openai.com/az/files/x/profile.webp?se=1',
      expect.objectContaining({ credentials: 'omit' }),
    );
    const init = (fetchFn.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect(new Headers(init.headers).has('authorization')).toBe(false);

    const expired = vi.fn(async () => new Response('no', { status: 403 }));
    await expect(fetchMedia(expired, 'https://videos.openai.com/p')).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(fetchMedia(fetchFn, 'http://videos.openai.com/p')).rejects.toMatchObject({
      code: 'bad_response',
    });
    // A picture off Sora's media host is never requested.
    fetchFn.mockClear();
    await expect(fetchMedia(fetchFn, 'https://pics.elsewhere.example/p.webp')).rejects.toMatchObject({
      code: 'bad_response',
      message: expect.stringContaining('pics.elsewhere.example'),
    });
    expect(fetchFn).not.toHaveBeenCalled();
    const offline = vi.fn(async () => {
      throw new TypeError('fetch failed');
    });
    await expect(fetchMedia(offline, 'https://videos.openai.com/p')).rejects.toMatchObject({
      code: 'network',
    });
  });
});
