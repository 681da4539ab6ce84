import { describe, expect, it } from 'vitest';
import { buildBatch, MAX_BATCH_JOBS, startImageIssue, typedPrompts } from '../../lib/create/build';
import { detectDelimiter, parseCsv, rowsFromCsv } from '../../lib/create/csv';
import { importBatch } from '../../lib/create/import';
import { rowsFromJson } from '../../lib/create/json';
import { issueText } from '../../lib/create/messages';
import { MAX_PROMPT_CHARS, promptIssue } from '../../lib/create/prompt';
import { RowError } from '../../lib/create/rows';
import { type CreateForm, DEFAULT_FORM, type Issue } from '../../lib/create/types';
import { countCombinations, expandPrompt, parseTemplate } from '../../lib/create/variables';
import { setLocale } from '../../lib/i18n';
import { toRequest } from '../../lib/jobs/input';

setLocale('en');

const POST = `s_${'0123456789abcdef'.repeat(2)}`;
const form = (patch: Partial<CreateForm> = {}): CreateForm => ({ ...DEFAULT_FORM, ...patch });
const free = { isPro: false };
const pro = { isPro: true };
const texts = (issues: readonly Issue[]) => issues.map(issueText);

function rowIssue(fn: () => unknown): Issue {
  try {
    fn();
  } catch (e) {
    if (e instanceof RowError) return e.issue;
    throw e;
  }
  throw new Error('expected a RowError');
}

describe('line batches', () => {
  it('takes one prompt a line, trimmed, blank lines ignored, with their line numbers', () => {
    const prompts = typedPrompts({ batch: true, text: '  a cat \n\n\t\nb dog\r\nc bird  \n' });
    expect(prompts).toEqual([
      { prompt: 'a cat', at: { line: 1 } },
      { prompt: 'b dog', at: { line: 4 } },
      { prompt: 'c bird', at: { line: 5 } },
    ]);
  });

  it('keeps a single prompt whole, newlines included', () => {
    expect(typedPrompts({ batch: false, text: ' shot one\nshot two ' })).toEqual([
      { prompt: 'shot one\nshot two' },
    ]);
    expect(typedPrompts({ batch: false, text: ' \n ' })).toEqual([]);
  });

  it('makes one video job per line with the form settings', () => {
    const plan = buildBatch(
      form({ text: 'a cat\nb dog', orientation: 'portrait', seconds: 15, style: 'anime' }),
      free,
    );
    expect(plan.issues).toEqual([]);
    expect(plan.total).toBe(2);
    expect(plan.counts).toEqual({ video: 2, image: 0, remix: 0 });
    expect(plan.inputs).toEqual([
      {
        kind: 'video',
        prompt: 'a cat',
        orientation: 'portrait',
        nFrames: 450,
        model: 'sy_8',
        size: 'small',
        styleId: 'anime',
      },
      {
        kind: 'video',
        prompt: 'b dog',
        orientation: 'portrait',
        nFrames: 450,
        model: 'sy_8',
        size: 'small',
        styleId: 'anime',
      },
    ]);
    // What the page builds is what the background accepts.
    for (const input of plan.inputs) expect(() => toRequest(input)).not.toThrow();
  });

  it('makes image jobs with the chosen size and variants', () => {
    const plan = buildBatch(
      form({ mode: 'image', text: 'a red apple', imageSize: 'portrait', variants: 2 }),
      free,
    );
    expect(plan.inputs).toEqual([
      { kind: 'image', prompt: 'a red apple', width: 360, height: 540, nVariants: 2 },
    ]);
    expect(plan.counts.image).toBe(1);
  });

  it('makes remix jobs when a remix target is set (id or link)', () => {
    for (const target of [
      POST,
      `https://sora.chatgpt.com/p/${POST}`,
      ` https://sora.chatgpt.com/p/${POST}/ `,
    ]) {
      const plan = buildBatch(form({ text: 'make it rain', remixTarget: target }), free);
      expect(plan.issues).toEqual([]);
      expect(plan.inputs[0]).toMatchObject({ kind: 'remix', prompt: 'make it rain', remixTarget: POST });
      expect(() => toRequest(plan.inputs[0] as never)).not.toThrow();
    }
  });

  it('puts the stored start image on every video job', () => {
    const plan = buildBatch(
      form({ text: 'a\nb', startImage: { name: 'cat.png', type: 'image/png', size: 1234 } }),
      { isPro: false, startImage: { fileId: 'file_1' } },
    );
    expect(plan.issues).toEqual([]);
    expect(plan.inputs.map((i) => ('startImage' in i ? i.startImage : undefined))).toEqual([
      { fileId: 'file_1' },
      { fileId: 'file_1' },
    ]);
  });
});

describe('CSV import', () => {
  it('reads quoted fields with delimiters, newlines and doubled quotes', () => {
    const csv =
      'prompt,orientation\n"a cat, sitting",portrait\n"two\nlines","landscape"\n"she said ""hi""",\n';
    expect(parseCsv(csv)).toEqual([
      { cells: ['prompt', 'orientation'], line: 1 },
      { cells: ['a cat, sitting', 'portrait'], line: 2 },
      { cells: ['two\nlines', 'landscape'], line: 3 },
      { cells: ['she said "hi"', ''], line: 5 },
    ]);
  });

  it('handles CRLF, a BOM, blank lines, spaces before quotes and a quote inside a plain field', () => {
    const csv = '\uFEFFprompt;size\r\n\r\na 5" screen; small\r\n  "x;y" ;large';
    expect(detectDelimiter(csv)).toBe(';');
    expect(parseCsv(csv)).toEqual([
      { cells: ['prompt', 'size'], line: 1 },
      { cells: ['a 5" screen', ' small'], line: 3 },
      { cells: ['x;y', 'large'], line: 4 },
    ]);
  });

  it('reads the optional columns, in any order and spelling', () => {
    const csv = [
      'Length,Prompt,Kind,Orientation,Model,Size,Style,Remix Target,image_size,notes',
      `15,a boat,,portrait,sy_8,small,retro,,,ignored`,
      `10s,a remix,remix,,,,none,https://sora.chatgpt.com/p/${POST},,`,
      `,an apple,image,,,,,,landscape,`,
    ].join('\n');
    const rows = rowsFromCsv(csv, 'b.csv');
    expect(rows).toEqual([
      {
        prompt: 'a boat',
        at: { file: 'b.csv', line: 2 },
        seconds: 15,
        orientation: 'portrait',
        model: 'sy_8',
        size: 'small',
        style: 'retro',
      },
      {
        prompt: 'a remix',
        at: { file: 'b.csv', line: 3 },
        kind: 'remix',
        seconds: 10,
        style: null,
        remixTarget: POST,
      },
      { prompt: 'an apple', at: { file: 'b.csv', line: 4 }, kind: 'image', imageSize: 'landscape' },
    ]);
    const plan = buildBatch(form({ imported: { name: 'b.csv', rows } }), free);
    expect(plan.issues).toEqual([]);
    expect(plan.counts).toEqual({ video: 1, image: 1, remix: 1 });
    expect(plan.inputs).toEqual([
      {
        kind: 'video',
        prompt: 'a boat',
        orientation: 'portrait',
        nFrames: 450,
        model: 'sy_8',
        size: 'small',
        styleId: 'retro',
      },
      {
        kind: 'remix',
        prompt: 'a remix',
        remixTarget: POST,
        orientation: 'landscape',
        nFrames: 300,
        model: 'sy_8',
        size: 'small',
        styleId: null,
      },
      { kind: 'image', prompt: 'an apple', width: 540, height: 360, nVariants: 1 },
    ]);
  });

  it('says which line has an unclosed quote', () => {
    const issue = rowIssue(() => rowsFromCsv('prompt\nfine\n"broken\nstill broken\n', 'p.csv'));
    expect(issue.at).toEqual({ file: 'p.csv', line: 3 });
    expect(issueText(issue)).toBe(
      'p.csv, line 3: a quoted field starts here but its closing quote (") is missing.',
    );
  });

  it('says which line has text after a closing quote', () => {
    const issue = rowIssue(() => rowsFromCsv('prompt,size\n"one"x,small\n', 'p.csv'));
    expect(issueText(issue)).toBe(
      'p.csv, line 2: text follows a closing quote. Inside quotes, write a quote twice ("").',
    );
  });

  it('needs a prompt column and at least one prompt', () => {
    expect(issueText(rowIssue(() => rowsFromCsv('text,size\na,small', 'p.csv')))).toBe(
      'p.csv: the first line must name the columns, one of them “prompt”.',
    );
    expect(issueText(rowIssue(() => rowsFromCsv('prompt\n\n', 'p.csv')))).toBe(
      'p.csv: The file has no prompts.',
    );
  });

  it('refuses unknown values with the line and the allowed ones', () => {
    const cases: [string, string][] = [
      ['prompt,kind\na,story', 'unknown kind “story”; use video, image or remix.'],
      ['prompt,orientation\na,sideways', 'unknown orientation “sideways”; use landscape or portrait.'],
      ['prompt,length\na,12', 'unknown length “12”; use 5, 10, 15 or 25 (seconds).'],
      ['prompt,model\na,gpt', 'unknown model “gpt”; use sy_8 or sy_ore.'],
      ['prompt,size\na,huge', 'unknown size “huge”; use small or large.'],
      ['prompt,style\na,noir', 'unknown style “noir”.'],
      ['prompt,image size\na,round', 'unknown image size “round”; use square, landscape or portrait.'],
      [
        'prompt,remix\na,s_123',
        'Paste a Sora post id (s_ and 32 letters or digits) or its link https://sora.chatgpt.com/p/s_….',
      ],
      [`prompt,kind,remix\na,image,${POST}`, 'Image jobs cannot remix a post.'],
      ['prompt,size\n,small', 'Write a prompt first.'],
    ];
    for (const [csv, message] of cases) {
      expect(issueText(rowIssue(() => rowsFromCsv(csv, 'x.csv')))).toBe(`x.csv, line 2: ${message}`);
    }
  });

  it('imports through importBatch by file name, or refuses other files', () => {
    const ok = importBatch('list.csv', 'prompt\na\nb');
    expect(ok.ok && ok.batch.rows.map((r) => r.prompt)).toEqual(['a', 'b']);
    const bad = importBatch('movie.mp4', '…');
    expect(!bad.ok && issueText(bad.issue)).toBe('movie.mp4: Import a .csv or .json file.');
    const broken = importBatch('p.csv', 'prompt\n"oops');
    expect(!broken.ok && broken.issue.at).toEqual({ file: 'p.csv', line: 2 });
  });
});

describe('JSON import', () => {
  it('takes an array of strings', () => {
    expect(rowsFromJson('["a cat", "  b dog  "]', 'p.json')).toEqual([
      { prompt: 'a cat', at: { file: 'p.json', item: 1 } },
      { prompt: 'b dog', at: { file: 'p.json', item: 2 } },
    ]);
  });

  it('takes objects with the same fields as the CSV columns', () => {
    const rows = rowsFromJson(
      JSON.stringify([
        { prompt: 'a', orientation: 'portrait', length: 15, style: 'comic' },
        { prompt: 'b', remixTarget: POST },
        { prompt: 'c', kind: 'image', imageSize: 'square', comment: 'ignored' },
      ]),
      'p.json',
    );
    expect(rows.map(({ at: _at, ...r }) => r)).toEqual([
      { prompt: 'a', orientation: 'portrait', seconds: 15, style: 'comic' },
      { prompt: 'b', remixTarget: POST },
      { prompt: 'c', kind: 'image', imageSize: 'square' },
    ]);
  });

  it('explains what is wrong and where', () => {
    const text = (json: string) => issueText(rowIssue(() => rowsFromJson(json, 'p.json')));
    expect(text('[1, 2')).toMatch(/^p\.json: not valid JSON \(.+\)\.$/);
    expect(text('{"prompt":"a"}')).toBe(
      'p.json: the JSON must be a list of prompts, or of objects with a “prompt”.',
    );
    expect(text('["a", true]')).toBe('p.json, item 2: not a prompt (text) or an object with a “prompt”.');
    expect(text('["a", {"size":"small"}]')).toBe('p.json, item 2: Write a prompt first.');
    expect(text('[{"prompt":"a","size":["small"]}]')).toBe(
      'p.json, item 1: “size” must be text or a number.',
    );
    expect(text('[{"prompt":"a","length":20}]')).toBe(
      'p.json, item 1: unknown length “20”; use 5, 10, 15 or 25 (seconds).',
    );
    expect(text('[]')).toBe('p.json: The file has no prompts.');
  });
});

describe('prompt variables', () => {
  it('expands every combination, first group slowest', () => {
    expect(expandPrompt('a {red|blue} {car|boat}', 100)).toEqual([
      'a red car',
      'a red boat',
      'a blue car',
      'a blue boat',
    ]);
    const plan = buildBatch(form({ text: 'a {red|blue} {car|boat}\nplain' }), free);
    expect(plan.total).toBe(5);
    expect(plan.prompts).toBe(2);
    expect(plan.inputs.map((i) => i.prompt)).toEqual([
      'a red car',
      'a red boat',
      'a blue car',
      'a blue boat',
      'plain',
    ]);
  });

  it('escapes with a backslash and leaves ordinary braces alone', () => {
    expect(expandPrompt('\\{a|b} {x|y}', 10)).toEqual(['{a|b} x', '{a|b} y']);
    expect(expandPrompt('a {cat} and {unclosed', 10)).toEqual(['a {cat} and {unclosed']);
    expect(expandPrompt('pipe \\| and {a\\|b|c}', 10)).toEqual(['pipe | and a|b', 'pipe | and c']);
    expect(expandPrompt('C:\\path {a|b}', 10)).toEqual(['C:\\path a', 'C:\\path b']);
    // Nested: the outer brace is plain text, the inner group expands.
    expect(expandPrompt('{a|{b|c}}', 10)).toEqual(['{a|b}', '{a|c}']);
    expect(expandPrompt('{|very }big', 10)).toEqual(['big', 'very big']);
  });

  it('counts without building, and caps a batch with a clear message', () => {
    const huge = '{a|b|c|d|e|f|g|h|i|j}'.repeat(12);
    expect(countCombinations(parseTemplate(huge))).toBe(1e12);
    const plan = buildBatch(form({ text: `x ${'{1|2}'.repeat(9)}` }), free);
    expect(plan.total).toBe(512);
    expect(plan.inputs).toEqual([]);
    expect(texts(plan.issues)).toEqual([`This makes 512 jobs; one batch takes at most ${MAX_BATCH_JOBS}.`]);
    expect(plan.issues[0]?.field).toBe('batch');
    // 500 exactly is fine.
    const lines = Array.from({ length: 500 }, (_, i) => `prompt ${i}`).join('\n');
    expect(buildBatch(form({ text: lines }), free).inputs).toHaveLength(500);
  });

  it('flags an expansion that leaves an empty prompt', () => {
    const plan = buildBatch(form({ text: 'ok\n{ | }' }), free);
    expect(texts(plan.issues)).toEqual(['Line 2: Write a prompt first.']);
  });
});

describe('validation before anything is sent', () => {
  it('refuses an empty or whitespace-only prompt', () => {
    for (const text of ['', '   ', '\n\t\n']) {
      const plan = buildBatch(form({ text }), free);
      expect(plan.inputs).toEqual([]);
      expect(plan.issues).toEqual([{ field: 'prompt', key: 'create.error.promptEmpty' }]);
      expect(texts(plan.issues)).toEqual(['Write a prompt first.']);
    }
    expect(buildBatch(form({ batch: false, text: '  ' }), free).issues[0]?.key).toBe(
      'create.error.promptEmpty',
    );
  });

  it('refuses a prompt over the limit, naming the line', () => {
    const long = 'x'.repeat(MAX_PROMPT_CHARS + 1);
    expect(issueText(promptIssue(long) as Issue)).toBe(
      `The prompt is ${MAX_PROMPT_CHARS + 1} characters long; the limit is ${MAX_PROMPT_CHARS}.`,
    );
    expect(promptIssue('x'.repeat(MAX_PROMPT_CHARS))).toBeNull();
    const plan = buildBatch(form({ text: `fine\n${long}` }), free);
    expect(texts(plan.issues)).toEqual([
      `Line 2: The prompt is ${MAX_PROMPT_CHARS + 1} characters long; the limit is ${MAX_PROMPT_CHARS}.`,
    ]);
    expect(plan.inputs).toEqual([]);
  });

  it('keeps 25 s, sy_ore and large for Pro, with a message per field', () => {
    const choice = form({ text: 'a', seconds: 25, model: 'sy_ore', size: 'large' });
    const plan = buildBatch(choice, free);
    expect(plan.issues.map((i) => [i.field, issueText(i)])).toEqual([
      ['seconds', '25 s videos need ChatGPT Pro.'],
      ['model', 'The Pro model (sy_ore) needs ChatGPT Pro.'],
      ['size', 'The large size needs ChatGPT Pro.'],
    ]);
    const ok = buildBatch(choice, pro);
    expect(ok.issues).toEqual([]);
    expect(ok.inputs[0]).toMatchObject({ nFrames: 750, model: 'sy_ore', size: 'large' });
  });

  it('applies the Pro gate to imported rows too, and not to image jobs', () => {
    const rows = rowsFromCsv('prompt,length,size\na,25,\nb,,large\nc,,', 'p.csv');
    const plan = buildBatch(form({ imported: { name: 'p.csv', rows } }), free);
    expect(texts(plan.issues)).toEqual([
      'p.csv, line 2: 25 s videos need ChatGPT Pro.',
      'p.csv, line 3: The large size needs ChatGPT Pro.',
    ]);
    expect(buildBatch(form({ mode: 'image', text: 'x', seconds: 25 }), free).issues).toEqual([]);
  });

  it('refuses a remix target that is not a post id or link', () => {
    for (const target of [
      's_123',
      'gen_abc',
      `https://example.com/p/${POST}`,
      'https://sora.chatgpt.com/explore',
    ]) {
      const plan = buildBatch(form({ text: 'a', remixTarget: target }), free);
      expect(plan.issues.map((i) => i.field)).toEqual(['remixTarget']);
      expect(texts(plan.issues)).toEqual([
        'Paste a Sora post id (s_ and 32 letters or digits) or its link https://sora.chatgpt.com/p/s_….',
      ]);
    }
  });

  it('checks the start image type and size before any upload, and refuses a video with the reason', () => {
    const meta = (name: string, type: string, size = 1000) => ({ name, type, size });
    expect(startImageIssue(meta('a.png', 'image/png'))).toBeNull();
    expect(startImageIssue(meta('a.jpg', 'image/jpeg'))).toBeNull();
    expect(startImageIssue(meta('a.webp', 'image/webp'))).toBeNull();
    const text = (m: ReturnType<typeof meta>) => issueText(startImageIssue(m) as Issue);
    expect(text(meta('clip.mp4', 'video/mp4'))).toBe(
      '“clip.mp4” is a video. A start image must be a still picture: PNG, JPEG or WebP.',
    );
    expect(text(meta('a.gif', 'image/gif'))).toBe(
      'A start image must be PNG, JPEG or WebP (this file is image/gif).',
    );
    expect(text(meta('a.heic', ''))).toBe('A start image must be PNG, JPEG or WebP (this file is heic).');
    expect(text(meta('a.png', 'image/png', 0))).toBe('The start image file is empty.');
    expect(text(meta('a.png', 'image/png', 12 * 1024 * 1024))).toBe(
      'The start image is 12 MB; the limit is 10 MB.',
    );
    const plan = buildBatch(form({ text: 'a', startImage: meta('clip.mp4', 'video/mp4') }), free);
    expect(plan.issues.map((i) => i.field)).toEqual(['startImage']);
    expect(plan.inputs).toEqual([]);
  });

  it('does not mix a remix with a start image', () => {
    const plan = buildBatch(
      form({ text: 'a', remixTarget: POST, startImage: { name: 'a.png', type: 'image/png', size: 10 } }),
      free,
    );
    expect(texts(plan.issues)).toEqual([
      'A remix starts from its post: remove the start image or the remix target.',
    ]);
  });

  it('checks the number of images', () => {
    for (const variants of [0, 5, 1.5]) {
      const plan = buildBatch(form({ mode: 'image', text: 'a', variants }), free);
      expect(texts(plan.issues)).toEqual(['Choose 1 to 4 images per prompt.']);
    }
  });

  it('ignores video-only fields in image mode', () => {
    const plan = buildBatch(
      form({
        mode: 'image',
        text: 'a',
        remixTarget: 'junk',
        startImage: { name: 'x.mp4', type: 'video/mp4', size: 1 },
      }),
      free,
    );
    expect(plan.issues).toEqual([]);
  });

  it('keeps emoji and right-to-left text intact', () => {
    const prompts = ['🐱‍👤 ninja cat 🎬', 'قطة تقفز فوق الطاولة', 'חתול על השולחן \u200F!', '👩🏽‍🚀 {🚀|🛸}'];
    const plan = buildBatch(form({ text: prompts.join('\n') }), free);
    expect(plan.issues).toEqual([]);
    expect(plan.inputs.map((i) => i.prompt)).toEqual([
      '🐱‍👤 ninja cat 🎬',
      'قطة تقفز فوق الطاولة',
      'חתול על השולחן \u200F!',
      '👩🏽‍🚀 🚀',
      '👩🏽‍🚀 🛸',
    ]);
    const csv = rowsFromCsv('prompt\n"مرحبا, 世界 🌍"', 'p.csv');
    expect(csv[0]?.prompt).toBe('مرحبا, 世界 🌍');
    for (const input of plan.inputs) expect(toRequest(input).prompt).toBe(input.prompt);
  });

  it('sends nothing partial: one bad line empties the whole batch', () => {
    const plan = buildBatch(form({ text: 'good\ngood too', seconds: 25 }), free);
    expect(plan.inputs).toEqual([]);
    expect(plan.total).toBe(2);
  });
});
