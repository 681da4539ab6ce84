import { describe, expect, it } from 'vitest';
import {
  addShot,
  canAddShot,
  canFitToLength,
  createStoryboard,
  DURATION_STEP_S,
  describeIssue,
  describeParseError,
  duplicateShot,
  fitToLength,
  framesFor,
  isOnStep,
  lengthForFrames,
  lengthForTotal,
  MAX_INSTRUCTIONS_CHARS,
  MAX_SCENE_CHARS,
  MAX_SHOTS,
  MIN_SHOT_S,
  makeShot,
  maxShotsFor,
  moveShot,
  newShotId,
  normalizeText,
  parseAny,
  parseShorthand,
  parseStoryboard,
  remainingSeconds,
  removeShot,
  type Shot,
  STORYBOARD_LENGTHS,
  type Storyboard,
  type StoryboardIssue,
  type StoryboardIssueCode,
  type StoryboardLength,
  serializeStoryboard,
  shotShares,
  timeline,
  totalDuration,
  updateShot,
  validateStoryboard,
} from '../../lib/storyboard';

// --- Seeded generators -------------------------------------------------------------------------------

/** mulberry32: tiny, fast and good enough to make failures reproducible from the printed seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const int = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

const FRAGMENTS = [
  'a cat jumps onto the table',
  'the camera pans left, slowly',
  '猫跳上桌子，看着镜头',
  '雨の東京、ネオンが反射する',
  '🐱🎬✨ confetti everywhere 🎉',
  'القطة تقفز على الطاولة',
  'החתול מביט במצלמה',
  'Shot 3: the reveal',
  'a sign reads "Shot 2:"',
  'duration: 5.0sec of silence',
  'duration: 2s',
  'Scene: inside the scene',
  'follow the instructions: carefully',
  'instructions: are on the wall',
  'he shouts [5s] countdown',
  'current timeline: rewinding',
  'tabs\tand  double  spaces',
  'Ω≈ç√∫ combining é and ẹ́',
  'Shot',
  'Shot 1:',
];

/** Scenes that survive the prompt format: any mix of lines, but never a full "next shot" header block. */
function safeScene(rng: Rng): string {
  const lines: string[] = [];
  const count = int(rng, 1, 4);
  for (let i = 0; i < count; i++) {
    if (i > 0 && rng() < 0.2) lines.push('');
    const line = pick(rng, FRAGMENTS);
    lines.push(rng() < 0.3 ? `${line} ${pick(rng, FRAGMENTS)}` : line);
  }
  let scene = lines.join(rng() < 0.2 ? '\r\n' : '\n');
  if (rng() < 0.2) scene = `  ${scene}\n\n`;
  return scene;
}

function generateStoryboard(
  rng: Rng,
  sceneOf: (rng: Rng, index: number, count: number) => string,
): Storyboard {
  const count = int(rng, 1, MAX_SHOTS);
  const shots: Shot[] = [];
  for (let i = 0; i < count; i++) {
    shots.push(makeShot(int(rng, 2, 24) * DURATION_STEP_S, sceneOf(rng, i, count)));
  }
  const instructions = rng() < 0.4 ? '' : safeScene(rng);
  return { shots, instructions, lengthS: pick(rng, STORYBOARD_LENGTHS) };
}

/** What a round trip must give back: durations and normalized texts, ids aside. */
function essence(sb: { shots: readonly Shot[]; instructions: string }) {
  return {
    shots: sb.shots.map((shot) => ({ durationS: shot.durationS, scene: normalizeText(shot.scene) })),
    instructions: normalizeText(sb.instructions),
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function board(durations: number[], lengthS: StoryboardLength = 10, instructions = ''): Storyboard {
  return { shots: durations.map((d, i) => makeShot(d, `scene ${i + 1}`)), instructions, lengthS };
}

const ambiguityCodes = (issues: StoryboardIssue[]) =>
  issues.filter((issue) => issue.code === 'ambiguous_scene' || issue.code === 'ambiguous_instructions');

// --- Format --------------------------------------------------------------------------------------------

const NOTES_EXAMPLE = `current timeline:
Shot 1:
duration: 5.0sec
Scene: a cat jumps onto the table

Shot 2:
duration: 10.0sec
Scene: the cat looks at the camera

instructions:
<optional overall direction>`;

describe('serializeStoryboard', () => {
  it('writes exactly the NOTES.md example', () => {
    const sb: Storyboard = {
      shots: [makeShot(5, 'a cat jumps onto the table'), makeShot(10, 'the cat looks at the camera')],
      instructions: '<optional overall direction>',
      lengthS: 15,
    };
    expect(serializeStoryboard(sb)).toBe(NOTES_EXAMPLE);
  });

  it('omits the instructions section when instructions are empty or blank', () => {
    const sb = board([2.5, 7.5], 10, '  \n ');
    expect(serializeStoryboard(sb)).toBe(
      'current timeline:\nShot 1:\nduration: 2.5sec\nScene: scene 1\n\nShot 2:\nduration: 7.5sec\nScene: scene 2',
    );
  });

  it('normalizes scenes: trimmed, \\r\\n to \\n, inner blank lines kept', () => {
    const sb: Storyboard = {
      shots: [makeShot(10, '  first\r\n\r\nsecond  \n')],
      instructions: '',
      lengthS: 10,
    };
    expect(serializeStoryboard(sb)).toBe(
      'current timeline:\nShot 1:\nduration: 10.0sec\nScene: first\n\nsecond',
    );
  });

  it('keeps the structure parseable even for a non-numeric duration', () => {
    const text = serializeStoryboard({
      shots: [makeShot(Number.NaN, 'x'), makeShot(5, 'y')],
      instructions: '',
    });
    expect(text).toContain('duration: 0.0sec');
    expect(parseStoryboard(text)?.shots.map((s) => s.scene)).toEqual(['x', 'y']);
  });
});

describe('parseStoryboard', () => {
  it('reads the NOTES.md example', () => {
    const parsed = parseStoryboard(NOTES_EXAMPLE);
    expect(parsed && essence(parsed)).toEqual({
      shots: [
        { durationS: 5, scene: 'a cat jumps onto the table' },
        { durationS: 10, scene: 'the cat looks at the camera' },
      ],
      instructions: '<optional overall direction>',
    });
  });

  it('reads the reference body prompt (no header, no instructions)', () => {
    const parsed = parseStoryboard('Shot 1:\nduration: 5.0sec\nScene: Cat jumping');
    expect(parsed && essence(parsed)).toEqual({
      shots: [{ durationS: 5, scene: 'Cat jumping' }],
      instructions: '',
    });
  });

  it('tolerates \\r\\n, extra blank lines, indentation, case, integer and suffix variants', () => {
    const text = [
      '',
      '  CURRENT TIMELINE:  ',
      '',
      '',
      'shot 1:',
      '  Duration: 4 sec',
      'scene:   opening',
      '',
      '',
      '',
      'SHOT 2:',
      'duration:2.5s',
      'Scene:second',
      'Shot 3:',
      'duration: 3.5',
      'Scene: third',
      '',
      'Instructions:',
      '',
      'moody',
      '',
    ].join('\r\n');
    const parsed = parseStoryboard(text);
    expect(parsed && essence(parsed)).toEqual({
      shots: [
        { durationS: 4, scene: 'opening' },
        { durationS: 2.5, scene: 'second' },
        { durationS: 3.5, scene: 'third' },
      ],
      instructions: 'moody',
    });
  });

  it('accepts "seconds", "secs" and "5." durations', () => {
    const text =
      'Shot 1:\nduration: 5 seconds\nScene: a\nShot 2:\nduration: 2secs\nScene: b\nShot 3:\nduration: 3.\nScene: c';
    expect(parseStoryboard(text)?.shots.map((s) => s.durationS)).toEqual([5, 2, 3]);
  });

  it('keeps text before "Shot 1:" as instructions, ahead of the instructions section', () => {
    const parsed = parseStoryboard(
      'Cinematic, 35mm.\ncurrent timeline:\nShot 1:\nduration: 10sec\nScene: a\n\ninstructions:\nwarm light',
    );
    expect(parsed?.instructions).toBe('Cinematic, 35mm.\n\nwarm light');
  });

  it('treats look-alike headers inside scenes as scene text', () => {
    const text = [
      'Shot 1:',
      'duration: 5.0sec',
      'Scene: a board shows',
      'Shot 2:',
      'and a caption "duration: 1.0sec"',
      'Shot 7:',
      'duration: 1.0sec',
      'Scene: not shot seven',
      '',
      'Shot 2:',
      'duration: 5.0sec',
      'Scene: the real second shot',
      'instructions: inline text is not a header',
    ].join('\n');
    const parsed = parseStoryboard(text);
    expect(parsed?.shots.map((s) => s.scene)).toEqual([
      'a board shows\nShot 2:\nand a caption "duration: 1.0sec"\nShot 7:\nduration: 1.0sec\nScene: not shot seven',
      'the real second shot\ninstructions: inline text is not a header',
    ]);
    expect(parsed?.instructions).toBe('');
  });

  it('requires the header block lines to be consecutive', () => {
    const text = 'Shot 1:\nduration: 5sec\nScene: a\n\nShot 2:\n\nduration: 5sec\nScene: b';
    expect(parseStoryboard(text)?.shots).toHaveLength(1);
  });

  it('returns null without a shot', () => {
    expect(parseStoryboard('')).toBeNull();
    expect(parseStoryboard('a cat [5s] a dog')).toBeNull();
    expect(parseStoryboard('Shot 1:\nduration: five\nScene: x')).toBeNull();
    expect(parseStoryboard('Shot 2:\nduration: 5sec\nScene: starts at two')).toBeNull();
  });

  it('gives every parsed shot a fresh id', () => {
    const shots = parseStoryboard(NOTES_EXAMPLE)!.shots;
    expect(new Set(shots.map((s) => s.id)).size).toBe(2);
    expect(shots[0]!.id).toMatch(/^shot_/);
  });
});

describe('round trip serialize → parse', () => {
  it('gives back every generated storyboard (1–10 shots, unicode, multi-line, look-alike words)', () => {
    let checked = 0;
    for (let seed = 1; seed <= 1500; seed++) {
      const rng = prng(seed);
      const sb = generateStoryboard(rng, safeScene);
      expect(
        validateStoryboard(sb).filter((i) => i.code === 'ambiguous_scene'),
        `seed ${seed}`,
      ).toEqual([]);
      const text = serializeStoryboard(sb);
      const parsed = parseStoryboard(text);
      expect(parsed && essence(parsed), `seed ${seed}`).toEqual(essence(sb));
      expect(serializeStoryboard(parsed!), `seed ${seed}`).toBe(text);
      // Sora hands the prompt back from its own storage; Windows clipboards add \r\n.
      const viaClipboard = parseStoryboard(text.replace(/\n/g, '\r\n'));
      expect(viaClipboard && essence(viaClipboard), `seed ${seed}`).toEqual(essence(sb));
      checked += 1;
    }
    expect(checked).toBe(1500);
  });

  it('round-trips every 0.5 s duration up to 25 s with one decimal', () => {
    const shots = Array.from({ length: 50 }, (_, i) => makeShot((i + 1) * 0.5, `s${i}`));
    const text = serializeStoryboard({ shots, instructions: '' });
    expect(text).toContain('duration: 0.5sec');
    expect(text).toContain('duration: 2.5sec');
    expect(text).toContain('duration: 25.0sec');
    expect(parseStoryboard(text)?.shots.map((s) => s.durationS)).toEqual(shots.map((s) => s.durationS));
  });

  it('a literal "\\n\\nShot 2:\\nduration: 1.0sec\\nScene: x" inside shot 1 cannot round-trip and is refused', () => {
    const sb: Storyboard = {
      shots: [makeShot(5, 'a\n\nShot 2:\nduration: 1.0sec\nScene: x'), makeShot(5, 'b')],
      instructions: '',
      lengthS: 10,
    };
    expect(essence(parseStoryboard(serializeStoryboard(sb))!)).not.toEqual(essence(sb));
    const issues = validateStoryboard(sb);
    expect(issues).toEqual([
      { code: 'ambiguous_scene', shotIndex: 0, params: { reason: 'shot_header', nextShot: 2 } },
    ]);
  });

  it('validation flags ambiguity exactly when a round trip would fail (adversarial generator)', () => {
    // Mostly harmless scenes, so a storyboard is sometimes clean and sometimes broken in one or two places.
    const adversarial = (rng: Rng, index: number, count: number): string => {
      if (rng() < 0.85) return safeScene(rng);
      const lines = [pick(rng, FRAGMENTS)];
      for (let i = int(rng, 0, 5); i > 0; i--) {
        const near = index + int(rng, 0, 3);
        lines.push(
          pick(rng, [
            pick(rng, FRAGMENTS),
            '',
            `Shot ${near}:`,
            'duration: 1.0sec',
            'Scene: y',
            'instructions:',
            ` INSTRUCTIONS : `,
            `Shot ${near}:\nduration: ${int(rng, 1, 9)}sec\nScene: z`,
            `Shot ${index + 2}:\nDuration: 2.5 s\n  scene: w`,
            `Shot ${count + 1}:\nduration: 1sec\nScene: tail`,
          ]),
        );
      }
      return lines.join('\n');
    };
    let ambiguous = 0;
    const kinds = new Map<string, number>();
    for (let seed = 1; seed <= 1500; seed++) {
      const rng = prng(seed * 7919);
      const sb = generateStoryboard(rng, adversarial);
      if (rng() < 0.3) sb.instructions = adversarial(rng, sb.shots.length - 1, sb.shots.length);
      const parsed = parseStoryboard(serializeStoryboard(sb));
      const survives = JSON.stringify(parsed && essence(parsed)) === JSON.stringify(essence(sb));
      const found = ambiguityCodes(validateStoryboard(sb));
      expect(found.length > 0, `seed ${seed}`).toBe(!survives);
      if (found.length > 0) ambiguous += 1;
      for (const issue of found) {
        const kind = issue.code === 'ambiguous_scene' ? issue.params.reason : issue.code;
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
    }
    // The generator must actually exercise both outcomes and every kind of ambiguity.
    expect(ambiguous).toBeGreaterThan(200);
    expect(ambiguous).toBeLessThan(1300);
    for (const kind of ['shot_header', 'instructions_header', 'ambiguous_instructions']) {
      expect(kinds.get(kind), kind).toBeGreaterThan(20);
    }
  });

  it('allows "instructions:" lines in every shot but the last', () => {
    const sb: Storyboard = {
      shots: [makeShot(5, 'read\ninstructions:\nfirst'), makeShot(5, 'b')],
      instructions: 'also\ninstructions:\nhere',
      lengthS: 10,
    };
    expect(validateStoryboard(sb)).toEqual([]);
    expect(essence(parseStoryboard(serializeStoryboard(sb))!)).toEqual(essence(sb));
  });
});

describe('parseShorthand', () => {
  it('reads preamble and shots; the preamble becomes the instructions', () => {
    const parsed = parseShorthand('preamble [5.0s] scene one [5.0s] scene two');
    expect(parsed && essence(parsed)).toEqual({
      shots: [
        { durationS: 5, scene: 'scene one' },
        { durationS: 5, scene: 'scene two' },
      ],
      instructions: 'preamble',
    });
  });

  it('works without a preamble and with unit variants', () => {
    const parsed = parseShorthand('[5s]a [2.5 sec] b [ 3 seconds ] c [1 SECS] d [.5s] e');
    expect(parsed && essence(parsed)).toEqual({
      shots: [
        { durationS: 5, scene: 'a' },
        { durationS: 2.5, scene: 'b' },
        { durationS: 3, scene: 'c' },
        { durationS: 1, scene: 'd' },
        { durationS: 0.5, scene: 'e' },
      ],
      instructions: '',
    });
  });

  it('keeps multi-line, unicode scenes and brackets that are not markers', () => {
    const parsed = parseShorthand('Film look.\r\n[4s]\r\n猫 🐱\r\nline two [see note 1]\r\n[6s] [5] القطة');
    expect(parsed && essence(parsed)).toEqual({
      shots: [
        { durationS: 4, scene: '猫 🐱\nline two [see note 1]' },
        { durationS: 6, scene: '[5] القطة' },
      ],
      instructions: 'Film look.',
    });
  });

  it('keeps empty scenes (validation reports them) and returns null without markers', () => {
    expect(parseShorthand('intro [5s] [5s] end')?.shots.map((s) => s.scene)).toEqual(['', 'end']);
    expect(parseShorthand('no markers [5] here [s]')).toBeNull();
    expect(parseShorthand('')).toBeNull();
  });
});

describe('parseAny', () => {
  it('detects the prompt format', () => {
    const result = parseAny(NOTES_EXAMPLE);
    expect(result.ok && result.format).toBe('timeline');
    expect(result.ok && result.storyboard.lengthS).toBe(15);
    expect(result.ok && result.storyboard.instructions).toBe('<optional overall direction>');
  });

  it('detects the shorthand', () => {
    const result = parseAny('preamble [5.0s] scene one [5.0s] scene two');
    expect(result.ok && result.format).toBe('shorthand');
    expect(result.ok && essence(result.storyboard)).toEqual({
      shots: [
        { durationS: 5, scene: 'scene one' },
        { durationS: 5, scene: 'scene two' },
      ],
      instructions: 'preamble',
    });
    expect(result.ok && result.storyboard.lengthS).toBe(10);
  });

  it('prefers the prompt format when a scene also contains shorthand markers', () => {
    const result = parseAny('Shot 1:\nduration: 10sec\nScene: count [5s] down [5s]');
    expect(result.ok && result.format).toBe('timeline');
    expect(result.ok && result.storyboard.shots).toHaveLength(1);
  });

  it('uses the given length (e.g. from n_frames) and infers one otherwise', () => {
    const text = 'x [6s] a [6s] b';
    const given = parseAny(text, { lengthS: lengthForFrames(750) });
    expect(given.ok && given.storyboard.lengthS).toBe(25);
    const inferred = parseAny(text, { lengthS: lengthForFrames(undefined) });
    expect(inferred.ok && inferred.storyboard.lengthS).toBe(15);
  });

  it('fails with clear messages on empty or unrecognized text', () => {
    expect(parseAny('  \n ')).toEqual({
      ok: false,
      error: { code: 'empty', message: 'There is nothing to paste: the text is empty.' },
    });
    const result = parseAny('just a normal prompt about a cat');
    expect(result).toEqual({
      ok: false,
      error: { code: 'unrecognized', message: describeParseError('unrecognized') },
    });
    expect(describeParseError('unrecognized')).toBe(
      'This text is not a storyboard. Paste a storyboard prompt ("Shot 1:", "duration: 5.0sec", "Scene: …") or the shorthand "intro [5s] first scene [5s] second scene".',
    );
  });
});

// --- Model ---------------------------------------------------------------------------------------------

describe('lengths and frames', () => {
  it('maps lengths to n_frames and back', () => {
    expect(STORYBOARD_LENGTHS.map(framesFor)).toEqual([150, 300, 450, 750]);
    expect([150, 300, 450, 750, 301, 600, 0, Number.NaN, null].map(lengthForFrames)).toEqual([
      5,
      10,
      15,
      25,
      10,
      null,
      null,
      null,
      null,
    ]);
  });

  it('infers a length from a total', () => {
    expect([0, 4, 5, 5.5, 10, 12, 15, 15.5, 25, 30].map(lengthForTotal)).toEqual([
      5, 5, 5, 10, 10, 15, 15, 25, 25, 25,
    ]);
  });

  it('caps shots by the minimum duration', () => {
    expect(STORYBOARD_LENGTHS.map(maxShotsFor)).toEqual([5, 10, 10, 10]);
    expect(MAX_SHOTS * MIN_SHOT_S).toBeLessThanOrEqual(10);
  });
});

describe('totals and timeline', () => {
  it('sums durations and reports remaining or excess seconds', () => {
    const under = board([2.5, 3], 10);
    expect(totalDuration(under)).toBe(5.5);
    expect(remainingSeconds(under)).toBe(4.5);
    expect(remainingSeconds(board([8, 4.5], 10))).toBe(-2.5);
    expect(totalDuration(board([0.1, 0.2]))).toBe(0.3);
  });

  it('gives each shot its share of the track', () => {
    const sb = board([2.5, 5], 10);
    const t = timeline(sb);
    expect(t).toMatchObject({ totalS: 7.5, lengthS: 10, remainingS: 2.5, excessS: 0, lengthMark: 1 });
    expect(
      t.shots.map(({ startS, durationS, offset, share, exceedsLength }) => ({
        startS,
        durationS,
        offset,
        share,
        exceedsLength,
      })),
    ).toEqual([
      { startS: 0, durationS: 2.5, offset: 0, share: 0.25, exceedsLength: false },
      { startS: 2.5, durationS: 5, offset: 0.25, share: 0.5, exceedsLength: false },
    ]);
    expect(shotShares(sb).map((s) => s.id)).toEqual(sb.shots.map((s) => s.id));
  });

  it('scales an overlong board to its total and marks the shots past the length', () => {
    const t = timeline(board([5, 5, 10], 10));
    expect(t).toMatchObject({ totalS: 20, remainingS: 0, excessS: 10, lengthMark: 0.5 });
    expect(t.shots.map((s) => [s.share, s.exceedsLength])).toEqual([
      [0.25, false],
      [0.25, false],
      [0.5, true],
    ]);
  });

  it('treats invalid durations as zero on the track', () => {
    const t = timeline(board([Number.NaN, -3, 10], 10));
    expect(t.shots.map((s) => s.share)).toEqual([0, 0, 1]);
  });
});

describe('fitToLength', () => {
  it('spreads growth in proportion to the durations', () => {
    expect(fitToLength(board([2, 6], 10)).shots.map((s) => s.durationS)).toEqual([2.5, 7.5]);
    expect(fitToLength(board([5], 25)).shots.map((s) => s.durationS)).toEqual([25]);
  });

  it('shrinks in proportion but never below the minimum', () => {
    expect(fitToLength(board([8, 8, 1], 10)).shots.map((s) => s.durationS)).toEqual([4.5, 4.5, 1]);
    expect(fitToLength(board([20, 1.5, 1.5], 5)).shots.map((s) => s.durationS)).toEqual([3, 1, 1]);
  });

  it('hands leftover steps to the largest remainder, then the earlier shot', () => {
    expect(fitToLength(board([3, 3, 3], 10)).shots.map((s) => s.durationS)).toEqual([3.5, 3.5, 3]);
  });

  it('snaps off-grid and invalid durations first', () => {
    const fitted = fitToLength(board([2.3, Number.NaN, 0.2, 6.74], 10));
    expect(totalDuration(fitted)).toBe(10);
    expect(fitted.shots.every((s) => isOnStep(s.durationS) && s.durationS >= MIN_SHOT_S)).toBe(true);
  });

  it('returns the same object when already fitted or impossible', () => {
    const fitted = board([2.5, 7.5], 10);
    expect(fitToLength(fitted)).toBe(fitted);
    const crowded = board([1, 1, 1, 1, 1, 1], 5);
    expect(canFitToLength(crowded)).toBe(false);
    expect(fitToLength(crowded)).toBe(crowded);
    const empty: Storyboard = { shots: [], instructions: '', lengthS: 10 };
    expect(fitToLength(empty)).toBe(empty);
  });

  it('holds its invariants on generated storyboards', () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const rng = prng(seed * 31);
      const lengthS = pick(rng, STORYBOARD_LENGTHS);
      const count = int(rng, 1, maxShotsFor(lengthS));
      const durations = Array.from({ length: count }, () =>
        rng() < 0.05 ? Number.NaN : Math.round(rng() * 30 * 100) / 100,
      );
      const sb = deepFreeze(board(durations, lengthS));
      const fitted = fitToLength(sb);
      const snapped = durations.map((d) =>
        Number.isFinite(d)
          ? Math.max(MIN_SHOT_S, Math.round(d / DURATION_STEP_S) * DURATION_STEP_S)
          : MIN_SHOT_S,
      );
      const growing = snapped.reduce((a, b) => a + b, 0) <= lengthS;
      expect(totalDuration(fitted), `seed ${seed}`).toBe(lengthS);
      fitted.shots.forEach((shot, i) => {
        expect(isOnStep(shot.durationS), `seed ${seed}`).toBe(true);
        expect(shot.durationS, `seed ${seed}`).toBeGreaterThanOrEqual(MIN_SHOT_S);
        expect(shot.id).toBe(sb.shots[i]!.id);
        expect(shot.scene).toBe(sb.shots[i]!.scene);
        // Every shot moves in the direction of the total, never against it.
        if (growing) expect(shot.durationS).toBeGreaterThanOrEqual(snapped[i]!);
        else expect(shot.durationS).toBeLessThanOrEqual(snapped[i]!);
      });
      expect(
        validateStoryboard(fitted).filter((i) => i.code !== 'empty_scene'),
        `seed ${seed}`,
      ).toEqual([]);
      expect(fitToLength(fitted)).toBe(fitted);
    }
  });
});

describe('shot operations', () => {
  const frozen = () => deepFreeze(board([2, 3, 5], 10, 'keep'));

  it('newShotId is unique', () => {
    const ids = new Set(Array.from({ length: 1000 }, newShotId));
    expect(ids.size).toBe(1000);
  });

  it('createStoryboard starts with one empty full-length shot', () => {
    const sb = createStoryboard(15);
    expect(sb).toMatchObject({ instructions: '', lengthS: 15 });
    expect(essence(sb).shots).toEqual([{ durationS: 15, scene: '' }]);
    expect(createStoryboard().lengthS).toBe(10);
  });

  it('addShot inserts without mutating and defaults to the unassigned seconds', () => {
    const sb = deepFreeze(board([2, 3], 10));
    const added = addShot(sb);
    expect(added).not.toBe(sb);
    expect(sb.shots).toHaveLength(2);
    expect(added.shots.slice(0, 2)).toEqual(sb.shots);
    expect(added.shots[2]).toMatchObject({ durationS: 5, scene: '' });
    expect(addShot(frozen()).shots[3]!.durationS).toBe(MIN_SHOT_S);
    expect(addShot(board([2, 3.3], 10)).shots[2]!.durationS).toBe(4.5);
    const inserted = addShot(sb, { index: 0, durationS: 1.5, scene: 'first' });
    expect(inserted.shots.map((s) => s.scene)).toEqual(['first', 'scene 1', 'scene 2']);
    expect(addShot(sb, { index: 99 }).shots).toHaveLength(3);
  });

  it('addShot and duplicateShot stop at the maximum', () => {
    const full = deepFreeze(board([1, 1, 1, 1, 1], 5));
    expect(canAddShot(full)).toBe(false);
    expect(addShot(full)).toBe(full);
    expect(duplicateShot(full, 0)).toBe(full);
  });

  it('duplicateShot copies after the source with a new id', () => {
    const sb = frozen();
    const dup = duplicateShot(sb, 1);
    expect(dup.shots.map((s) => s.scene)).toEqual(['scene 1', 'scene 2', 'scene 2', 'scene 3']);
    expect(dup.shots[2]!.id).not.toBe(sb.shots[1]!.id);
    expect(dup.shots[2]!.durationS).toBe(3);
    expect(duplicateShot(sb, 5)).toBe(sb);
  });

  it('removeShot removes by index', () => {
    const sb = frozen();
    expect(removeShot(sb, 0).shots.map((s) => s.scene)).toEqual(['scene 2', 'scene 3']);
    expect(removeShot(sb, -1)).toBe(sb);
    expect(removeShot(sb, 3)).toBe(sb);
    expect(removeShot(board([10]), 0).shots).toEqual([]);
  });

  it('moveShot moves to the target index', () => {
    const sb = frozen();
    expect(moveShot(sb, 0, 2).shots.map((s) => s.scene)).toEqual(['scene 2', 'scene 3', 'scene 1']);
    expect(moveShot(sb, 2, 0).shots.map((s) => s.scene)).toEqual(['scene 3', 'scene 1', 'scene 2']);
    expect(moveShot(sb, 1, 1)).toBe(sb);
    expect(moveShot(sb, 0, 3)).toBe(sb);
    expect(moveShot(sb, -1, 0)).toBe(sb);
  });

  it('updateShot patches one shot and never its id', () => {
    const sb = frozen();
    const updated = updateShot(sb, 1, { durationS: 3.5, scene: 'new' });
    expect(updated.shots[1]).toEqual({ id: sb.shots[1]!.id, durationS: 3.5, scene: 'new' });
    expect(updated.shots[0]).toBe(sb.shots[0]);
    expect(updateShot(sb, 9, { scene: 'x' })).toBe(sb);
  });
});

// --- Validation ----------------------------------------------------------------------------------------

describe('validateStoryboard', () => {
  const codes = (sb: Storyboard) => validateStoryboard(sb).map((i) => i.code);
  const only = (sb: Storyboard, code: StoryboardIssueCode) => {
    const issues = validateStoryboard(sb).filter((i) => i.code === code);
    expect(issues).toHaveLength(1);
    return issues[0]!;
  };

  it('accepts a valid storyboard', () => {
    expect(validateStoryboard(board([2.5, 7.5], 10, 'moody'))).toEqual([]);
    expect(validateStoryboard(board([1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 10))).toEqual([]);
  });

  it('no_shots', () => {
    const issue = only({ shots: [], instructions: '', lengthS: 10 }, 'no_shots');
    expect(codes({ shots: [], instructions: '', lengthS: 10 })).toEqual(['no_shots']);
    expect(describeIssue(issue)).toBe('The storyboard has no shots. Add at least one shot.');
  });

  it('too_many_shots', () => {
    const issue = only(board(Array(11).fill(1), 15), 'too_many_shots');
    expect(issue.params).toEqual({ max: 10, actual: 11, lengthS: 15 });
    expect(describeIssue(issue)).toBe(
      'The storyboard has 11 shots, but a 15 s video can hold at most 10. Remove 1.',
    );
    const short = only(board([1, 1, 1, 1, 0.5, 0.5], 5), 'too_many_shots');
    expect(describeIssue(short)).toBe(
      'The storyboard has 6 shots, but a 5 s video can hold at most 5. Remove 1.',
    );
  });

  it('empty_scene', () => {
    const sb = board([5, 5]);
    sb.shots[1] = { ...sb.shots[1]!, scene: ' \r\n\t ' };
    const issue = only(sb, 'empty_scene');
    expect(issue.shotIndex).toBe(1);
    expect(codes(sb)).toEqual(['empty_scene']);
    expect(describeIssue(issue)).toBe('Shot 2 has no scene. Describe what happens in it.');
  });

  it('duration_invalid', () => {
    const issue = only(board([Number.NaN, 10]), 'duration_invalid');
    expect(issue.shotIndex).toBe(0);
    expect(describeIssue(issue)).toBe('Shot 1 has no valid duration. Enter a number of seconds.');
  });

  it('duration_too_short', () => {
    const issue = only(board([0.5, 9.5]), 'duration_too_short');
    expect(issue).toEqual({ code: 'duration_too_short', shotIndex: 0, params: { min: 1, actual: 0.5 } });
    expect(codes(board([0.5, 9.5]))).toEqual(['duration_too_short']);
    expect(describeIssue(issue)).toBe('Shot 1 lasts 0.5 s; a shot must last at least 1 s.');
  });

  it('duration_too_long', () => {
    const issue = only(board([12.5]), 'duration_too_long');
    expect(issue).toEqual({ code: 'duration_too_long', shotIndex: 0, params: { max: 10, actual: 12.5 } });
    expect(describeIssue(issue)).toBe('Shot 1 lasts 12.5 s, longer than the whole 10 s video.');
  });

  it('duration_not_step', () => {
    const sb = board([2.25, 7.75]);
    const issues = validateStoryboard(sb);
    expect(issues.map((i) => i.code)).toEqual(['duration_not_step', 'duration_not_step']);
    expect(issues[0]).toEqual({
      code: 'duration_not_step',
      shotIndex: 0,
      params: { step: 0.5, actual: 2.25, nearest: 2.5 },
    });
    expect(describeIssue(issues[0]!)).toBe(
      'Shot 1 lasts 2.25 s; durations go in steps of 0.5 s (for example 2.5 s).',
    );
  });

  it('total_mismatch, both directions', () => {
    const over = only(board([5, 7.5]), 'total_mismatch');
    expect(over.params).toEqual({ expected: 10, actual: 12.5, difference: 2.5 });
    expect(describeIssue(over)).toBe(
      'The shots add up to 12.5 s, but the video is 10 s long: shorten the shots by 2.5 s in total.',
    );
    const under = only(board([5, 4], 10), 'total_mismatch');
    expect(under.params).toEqual({ expected: 10, actual: 9, difference: -1 });
    expect(describeIssue(under)).toBe(
      'The shots add up to 9 s, but the video is 10 s long: 1 s is still unassigned.',
    );
    const under2 = only(board([5, 5], 15), 'total_mismatch');
    expect(describeIssue(under2)).toBe(
      'The shots add up to 10 s, but the video is 15 s long: 5 s are still unassigned.',
    );
  });

  it('scene_too_long counts characters as the user sees them', () => {
    const atLimit = board([10]);
    atLimit.shots[0] = { ...atLimit.shots[0]!, scene: '🐱'.repeat(MAX_SCENE_CHARS) };
    expect(validateStoryboard(atLimit)).toEqual([]);
    const sb = board([10]);
    sb.shots[0] = { ...sb.shots[0]!, scene: 'x'.repeat(MAX_SCENE_CHARS + 1) };
    const issue = only(sb, 'scene_too_long');
    expect(issue).toEqual({ code: 'scene_too_long', shotIndex: 0, params: { max: 2000, actual: 2001 } });
    expect(describeIssue(issue)).toBe("Shot 1's scene is 2001 characters long; the limit is 2000.");
  });

  it('instructions_too_long', () => {
    const issue = only(board([10], 10, '猫'.repeat(MAX_INSTRUCTIONS_CHARS + 5)), 'instructions_too_long');
    expect(issue.params).toEqual({ max: 2000, actual: 2005 });
    expect(describeIssue(issue)).toBe('The instructions are 2005 characters long; the limit is 2000.');
  });

  it('ambiguous_scene: a next-shot header block inside a scene', () => {
    const sb = board([5, 5]);
    sb.shots[0] = { ...sb.shots[0]!, scene: 'a\nShot 2:\nduration: 1.0sec\nScene: x' };
    const issue = only(sb, 'ambiguous_scene');
    expect(issue).toEqual({
      code: 'ambiguous_scene',
      shotIndex: 0,
      params: { reason: 'shot_header', nextShot: 2 },
    });
    expect(describeIssue(issue)).toBe(
      'Shot 1\'s scene contains lines that read like the start of shot 2 ("Shot 2:", then "duration:" and "Scene:" lines), so Sora would split it into two shots. Reword or join those lines.',
    );
    // The same block naming another shot number is harmless.
    sb.shots[0] = { ...sb.shots[0]!, scene: 'a\nShot 3:\nduration: 1.0sec\nScene: x' };
    expect(validateStoryboard(sb)).toEqual([]);
  });

  it('ambiguous_scene: the last scene adds a shot or holds a bare "instructions:" line', () => {
    const sb = board([5, 5]);
    sb.shots[1] = { ...sb.shots[1]!, scene: 'b\nShot 3:\nduration: 1sec\nScene: x' };
    expect(only(sb, 'ambiguous_scene').params).toEqual({ reason: 'shot_header', nextShot: 3 });
    sb.shots[1] = { ...sb.shots[1]!, scene: 'b\n\n  Instructions:  \nmore' };
    const issue = only(sb, 'ambiguous_scene');
    expect(issue).toEqual({
      code: 'ambiguous_scene',
      shotIndex: 1,
      params: { reason: 'instructions_header', nextShot: 3 },
    });
    expect(describeIssue(issue)).toBe(
      'Shot 2\'s scene contains a line that is just "instructions:", so everything after it would be read as the overall instructions. Reword that line.',
    );
    sb.shots[1] = { ...sb.shots[1]!, scene: 'instructions:' };
    expect(validateStoryboard(sb)).toEqual([]);
  });

  it('ambiguous_instructions', () => {
    const sb = board([5, 5], 10, 'tone\nShot 3:\nduration: 2sec\nScene: more');
    const issue = only(sb, 'ambiguous_instructions');
    expect(issue.params).toEqual({ nextShot: 3 });
    expect(describeIssue(issue)).toBe(
      'The instructions contain lines that read like the start of shot 3 ("Shot 3:", then "duration:" and "Scene:" lines), so Sora would read them as one more shot. Reword those lines.',
    );
  });

  it('orders issues: board-wide, per shot, total, instructions', () => {
    const sb: Storyboard = {
      shots: [makeShot(0.5, ''), makeShot(3.25, 'x'.repeat(MAX_SCENE_CHARS + 1))],
      instructions: 'y'.repeat(MAX_INSTRUCTIONS_CHARS + 1),
      lengthS: 10,
    };
    expect(codes(sb)).toEqual([
      'empty_scene',
      'duration_too_short',
      'duration_not_step',
      'scene_too_long',
      'total_mismatch',
      'instructions_too_long',
    ]);
  });

  it('describes every issue code with a sentence', () => {
    const all: StoryboardIssueCode[] = [
      'no_shots',
      'too_many_shots',
      'empty_scene',
      'duration_invalid',
      'duration_too_short',
      'duration_too_long',
      'duration_not_step',
      'total_mismatch',
      'scene_too_long',
      'instructions_too_long',
      'ambiguous_scene',
      'ambiguous_instructions',
    ];
    const seen = new Set<string>();
    const samples: Storyboard[] = [
      { shots: [], instructions: '', lengthS: 10 },
      board(Array(11).fill(1), 10, 'Shot 12:\nduration: 1sec\nScene: x'),
      board([Number.NaN, 0.5, 30, 2.25, 2], 25, 'z'.repeat(MAX_INSTRUCTIONS_CHARS + 1)),
      {
        shots: [makeShot(5, ''), makeShot(5, `${'q'.repeat(MAX_SCENE_CHARS)}\ninstructions:`)],
        instructions: '',
        lengthS: 10,
      },
    ];
    for (const sb of samples) {
      for (const issue of validateStoryboard(sb)) {
        seen.add(issue.code);
        const text = describeIssue(issue);
        expect(text).toMatch(/^[A-Z].*\.$/);
        if (issue.shotIndex !== undefined) expect(text).toContain(`Shot ${issue.shotIndex + 1}`);
      }
    }
    expect([...seen].sort()).toEqual([...all].sort());
  });
});
