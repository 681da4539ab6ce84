/**
 * The Storyboard editor around the model: @mentions, drag-and-drop arithmetic, reading stored boards back,
 * plan checks and the queue input.
 */
import { describe, expect, it } from 'vitest';
import { MAX_PROMPT_CHARS } from '../../lib/jobs/input';
import {
  createStoryboard,
  DEFAULT_STORYBOARD_OPTIONS,
  DEFAULT_TITLE,
  dropIndex,
  insertMention,
  makeShot,
  matchMentions,
  mentionAt,
  moveShot,
  normalizeOptions,
  planIssues,
  reviveStoryboard,
  type Storyboard,
  serializeStoryboard,
  storyboardTitle,
  toMentionCandidates,
  toStoryboardInput,
} from '../../lib/storyboard';

const board = (durations: number[], lengthS: Storyboard['lengthS'] = 10): Storyboard => ({
  shots: durations.map((d, i) => makeShot(d, `scene ${i + 1}`)),
  instructions: '',
  lengthS,
});

describe('mentionAt', () => {
  it('finds the @word the caret is in', () => {
    expect(mentionAt('hello @ad', 9)).toEqual({ start: 6, query: 'ad' });
    expect(mentionAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionAt('with (@mira.l', 13)).toEqual({ start: 6, query: 'mira.l' });
    expect(mentionAt('line\n@to', 8)).toEqual({ start: 5, query: 'to' });
  });

  it('only up to the caret', () => {
    expect(mentionAt('@adalove runs', 3)).toEqual({ start: 0, query: 'ad' });
  });

  it('ignores e-mail addresses, finished mentions and a caret outside', () => {
    expect(mentionAt('ada@example', 11)).toBeNull();
    expect(mentionAt('@ada runs', 9)).toBeNull();
    expect(mentionAt('no mention', 4)).toBeNull();
    expect(mentionAt('@ada', 0)).toBeNull();
    expect(mentionAt('@ada', 99)).toBeNull();
  });
});

describe('matchMentions', () => {
  const people = [
    { username: 'tomo.films', displayName: 'Tomo' },
    { username: 'miralune', displayName: 'Mira Lune' },
    { username: 'ada', displayName: 'Ada Lovelace' },
    { username: 'xmira', displayName: 'Another' },
  ];

  it('puts username prefixes first, then names containing the query', () => {
    expect(matchMentions(people, 'mi').map((p) => p.username)).toEqual(['miralune', 'xmira']);
    expect(matchMentions(people, 'LOVE').map((p) => p.username)).toEqual(['ada']);
  });

  it('lists everyone for a bare @, up to the limit', () => {
    expect(matchMentions(people, '')).toHaveLength(4);
    expect(matchMentions(people, '', 2)).toHaveLength(2);
  });
});

describe('insertMention', () => {
  it('replaces the typed part and adds a space', () => {
    const text = 'A walk with @mi';
    const r = insertMention(text, { start: 12, query: 'mi' }, text.length, 'miralune');
    expect(r).toEqual({ text: 'A walk with @miralune ', caret: 22 });
  });

  it('keeps the text after the caret and reuses a following space', () => {
    const text = 'with @mi and a cat';
    const r = insertMention(text, { start: 5, query: 'mi' }, 8, 'miralune');
    expect(r.text).toBe('with @miralune and a cat');
    expect(r.text.slice(r.caret)).toBe('and a cat');
  });
});

describe('toMentionCandidates', () => {
  it('keeps finished characters with a usable username', () => {
    const records = [
      { id: '1', state: 'ready', username: 'ada', displayName: 'Ada' },
      { id: '2', state: 'waiting_for_user', username: 'suggested', displayName: 'Not final' },
      { id: '3', username: '@tomo', displayName: '' },
      { id: '4', state: 'ready', username: null, displayName: 'No name' },
      { id: '5', state: 'ready', username: 'bad name!', displayName: 'Spaces' },
      { id: '6', state: 'ready', username: 'ADA', displayName: 'Duplicate' },
      null,
      'garbage',
    ];
    expect(toMentionCandidates(records)).toEqual([
      { username: 'ada', displayName: 'Ada' },
      { username: 'tomo', displayName: 'tomo' },
    ]);
  });
});

describe('dropIndex', () => {
  // Every way of dropping shot `from` in a list of four must give what moveShot then produces.
  it('matches what the user sees while dragging', () => {
    const names = (sb: Storyboard) => sb.shots.map((s) => s.scene.replace('scene ', ''));
    const sb = board([2, 2, 3, 3]);
    // Drag shot 1 below shot 3 ("after" 3rd card).
    expect(names(moveShot(sb, 0, dropIndex(0, 2, 'after')))).toEqual(['2', '3', '1', '4']);
    // Drag shot 4 above shot 2.
    expect(names(moveShot(sb, 3, dropIndex(3, 1, 'before')))).toEqual(['1', '4', '2', '3']);
    // Drag shot 2 above shot 4.
    expect(names(moveShot(sb, 1, dropIndex(1, 3, 'before')))).toEqual(['1', '3', '2', '4']);
    // Drag shot 3 below shot 1.
    expect(names(moveShot(sb, 2, dropIndex(2, 0, 'after')))).toEqual(['1', '3', '2', '4']);
  });

  it('is a no-op next to itself', () => {
    expect(dropIndex(2, 2, 'before')).toBe(2);
    expect(dropIndex(2, 2, 'after')).toBe(2);
    expect(dropIndex(2, 1, 'after')).toBe(2);
    expect(dropIndex(2, 3, 'before')).toBe(2);
  });
});

describe('reviveStoryboard', () => {
  it('keeps a good board as it is', () => {
    const sb = board([5, 5]);
    expect(reviveStoryboard(structuredClone(sb))).toEqual(sb);
  });

  it('repairs what it can and refuses what is not a board', () => {
    expect(reviveStoryboard(null)).toBeNull();
    expect(reviveStoryboard({ shots: 'nope' })).toBeNull();
    const revived = reviveStoryboard({
      shots: [{ id: 'a', durationS: 4, scene: 'x' }, { id: 'a', durationS: '6', scene: 3 }, 7],
      instructions: 42,
      lengthS: 12,
    });
    expect(revived?.lengthS).toBe(10);
    expect(revived?.instructions).toBe('');
    expect(revived?.shots).toHaveLength(2);
    expect(revived?.shots[1]?.scene).toBe('');
    // A bad duration stays visibly bad (validation points at it) rather than being made up.
    expect(revived?.shots[1]?.durationS).toBeNaN();
    // Duplicate ids would break list keys and drag-and-drop.
    expect(revived?.shots[0]?.id).not.toBe(revived?.shots[1]?.id);
  });
});

describe('format options, plan checks and the queue input', () => {
  it('normalizeOptions falls back per field', () => {
    expect(normalizeOptions(undefined)).toEqual(DEFAULT_STORYBOARD_OPTIONS);
    expect(
      normalizeOptions({ orientation: 'portrait', model: 'sy_9', size: 'large', styleId: 'anime' }),
    ).toEqual({ orientation: 'portrait', model: 'sy_8', size: 'large', styleId: 'anime' });
    expect(normalizeOptions({ styleId: 'nope' }).styleId).toBeNull();
  });

  it('planIssues: Pro-only choices for other plans, and the prompt length for everyone', () => {
    const sb = board([25], 25);
    const pro = { ...DEFAULT_STORYBOARD_OPTIONS, model: 'sy_ore' as const, size: 'large' as const };
    expect(planIssues(sb, pro, false).map((i) => i.code)).toEqual(['pro_length', 'pro_model', 'pro_size']);
    expect(planIssues(sb, pro, true)).toEqual([]);
    const long = board([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    long.shots = long.shots.map((s) => ({ ...s, scene: 'x'.repeat(1100) }));
    const issues = planIssues(long, DEFAULT_STORYBOARD_OPTIONS, true);
    expect(issues).toEqual([
      {
        code: 'prompt_too_long',
        params: { length: serializeStoryboard(long).length, max: MAX_PROMPT_CHARS },
      },
    ]);
  });

  it('storyboardTitle: the name, or what Sora sends by default', () => {
    expect(storyboardTitle('  Cat story ')).toBe('Cat story');
    expect(storyboardTitle('   ')).toBe(DEFAULT_TITLE);
    expect(DEFAULT_TITLE).toBe('Draft your video');
  });

  it('toStoryboardInput: the exact prompt, frames and options', () => {
    const sb = { ...createStoryboard(15), instructions: 'warm light' };
    sb.shots = [makeShot(10, 'a cat jumps'), makeShot(5, 'it looks up')];
    const options = {
      orientation: 'portrait' as const,
      model: 'sy_8' as const,
      size: 'small' as const,
      styleId: 'anime' as const,
    };
    expect(toStoryboardInput(sb, options, { name: '', startImage: { fileId: 'file_1' } })).toEqual({
      kind: 'storyboard',
      prompt:
        'current timeline:\nShot 1:\nduration: 10.0sec\nScene: a cat jumps\n\nShot 2:\nduration: 5.0sec\nScene: it looks up\n\ninstructions:\nwarm light',
      title: 'Draft your video',
      nFrames: 450,
      orientation: 'portrait',
      model: 'sy_8',
      size: 'small',
      styleId: 'anime',
      startImage: { fileId: 'file_1' },
    });
    expect(toStoryboardInput(sb, options, { name: 'Cat' })).not.toHaveProperty('startImage');
  });
});
