/**
 * Bad input, one table across every form and import (issue #8, item 2).
 *
 * Each row is (form, input case, expected): either refused with a readable reason, or accepted and kept
 * intact. Every row runs against a fresh real background (`main()` of entrypoints/background/index.ts,
 * booted by ./harness/background.ts with the simulator in process):
 *
 * - Form rows drive the form's own logic the way its component does (validate, then — only when that
 *   passes — send the message to the background or save the setting). Refused: the reason is the sentence
 *   the form shows (i18n text, never a bare code), no message was sent, nothing was saved, and the
 *   simulator saw no request.
 * - Background rows send the message a page would send, skipping the form's checks (a message can bypass
 *   the UI). Refused: the answer carries a readable sentence, no job / character was stored, and the
 *   simulator saw no request.
 * - Accepted rows (emoji with ZWJ and skin tones, right-to-left text with marks, combining marks, CJK with
 *   ideographic spaces) go the whole way: the request body the simulator received holds the text byte for
 *   byte, and so does what was stored (the job, the history item, the setting).
 *
 * The rows and their outcomes are written to tests/unit/.bad-input.json; `npx tsx tests/bad-input/render.ts`
 * turns them into docs/BAD-INPUT.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { INVITE_PROBLEM_TEXT } from '../../components/account/RedeemInviteForm';
import { USERNAME_PROBLEM_TEXT } from '../../components/account/UsernameCard';
import { finishIssueText } from '../../components/characters/FinishForm';
import { videoIssue } from '../../components/characters/NewCharacter';
import { enhanceProblemText } from '../../components/enhance/EnhancePrompt';
import { downloadErrorText } from '../../components/history/DownloadsPanel';
import { extendPromptProblem } from '../../components/history/ExtendForm';
import { templateProblemText } from '../../components/history/FilenameTemplateField';
import {
  isValidDownloadFolder,
  isValidParseServiceUrl,
  parseConcurrency,
} from '../../components/settings/validate';
import { collectIssues } from '../../components/storyboard/issues';
import { parseErrorText } from '../../components/storyboard/PasteDialog';
import { validateInviteCode, validateUsername } from '../../lib/account/validate';
import { mp4DurationSec } from '../../lib/characters/mp4';
import { checkVideoFile, finishProblems } from '../../lib/characters/validate';
import { buildBatch } from '../../lib/create/build';
import { readBatchFile } from '../../lib/create/import';
import { issueText } from '../../lib/create/messages';
import { promptIssue } from '../../lib/create/prompt';
import { type CreateForm, DEFAULT_FORM, type ImportedBatch } from '../../lib/create/types';
import type { DownloadJob } from '../../lib/db/download-record';
import { putFile } from '../../lib/db/files';
import { getHistoryItem, putHistoryItems } from '../../lib/db/history';
import type { Job } from '../../lib/db/job-record';
import { getDb } from '../../lib/db/schema';
import { checkEnhanceRequest, type ExpansionLevel } from '../../lib/enhance/validate';
import { buildFilename, MAX_PATH_BYTES, templateProblem, utf8Length } from '../../lib/history/filename';
import { buildIndex, DEFAULT_FILTER, searchEntries } from '../../lib/history/search';
import { errorText, t } from '../../lib/i18n';
import { sidePanelEn } from '../../lib/i18n/en';
import { popupEn } from '../../lib/i18n/popup.en';
import { loadSettings, type Settings, saveSettings } from '../../lib/settings';
import { type SerializedError, SORA_ERROR_CODES } from '../../lib/sora/errors';
import { useHistory } from '../../lib/stores/history';
import {
  DEFAULT_STORYBOARD_OPTIONS,
  makeShot,
  parseAny,
  type Storyboard,
  type StoryboardLength,
  toStoryboardInput,
} from '../../lib/storyboard';
import { typeOfContent } from '../../lib/util/file-type';
import { loadFixture } from '../sim/app';
import type { LogEntry } from '../sim/types';
import { bootWorld, EMAIL, jobsOf, tearDownWorld, type World, type WorldOptions } from './harness/background';

const WAIT = { timeout: 20_000, interval: 50 };

// ---------------------------------------------------------------------------------------------------------
// Inputs

const POST = `s_${'0123456789abcdef'.repeat(2)}`;
const LINK = `https://sora.chatgpt.com/p/${POST}`;
const OVER_LONG = 'a'.repeat(10_001);
const TEN_THOUSAND_LINES = Array.from({ length: 10_000 }, (_, i) => `a lantern, take ${i + 1}`).join('\n');
const ZERO_WIDTH = '\u200b\u200d\u2060\ufeff';

/** Texts that must arrive exactly as typed (no trimming inside, no normalisation, no mirroring). */
const INTACT = {
  emoji: 'an astronaut 👩🏽‍🚀 waves to a family 👨‍👩‍👧‍👦 under a 🏳️‍🌈 flag ❤️',
  arabic: '\u200fقطة تقفز فوق القمر\u200f، ثم تنام',
  hebrew: 'חתול קופץ מעל הירח (2 פעמים) 🌙',
  bidi: 'a cat \u2067قطة\u2069 meets a dog \u2067כלב\u2069 at dawn',
  combining: 'Zoe\u0308 and An\u0303a dance; Vie\u0323\u0302t Nam (decomposed, kept so)',
  cjk: '一只猫　在月光下　跳舞🐈',
};

// ---------------------------------------------------------------------------------------------------------
// The world around each row

type Outcome = { refused: string } | { accepted: true };
type Expected = { refused: string } | 'intact';

interface Row {
  form: string;
  input: string;
  expect: Expected;
  /** Background rows send a message on purpose; every other refused row must send none. */
  sends?: boolean;
  run(w: World): Promise<Outcome>;
}

let world: World;
const asked: string[] = [];

async function flush(rounds = 6): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

async function boot(options: WorldOptions = {}): Promise<World> {
  const w = await bootWorld(options, (w) => {
    const ask = w.ask.bind(w);
    asked.length = 0;
    w.ask = (name, req, sender) => {
      asked.push(name);
      return ask(name, req, sender);
    };
  });
  await flush();
  return w;
}

const refused = (reason: string): Outcome => ({ refused: reason });
const ACCEPTED: Outcome = { accepted: true };

/** A background answer as the outcome: accepted, or the sentence a page shows for its error. */
function answered(answer: { ok: boolean; value?: unknown; error?: unknown }): Outcome {
  if (answer.ok) return ACCEPTED;
  return refused(errorText(answer.error as SerializedError));
}

const storedSettings = async (): Promise<unknown> =>
  (await fakeBrowser.storage.local.get('settings')).settings;

const file = (parts: BlobPart[], name: string, type = '') => new File(parts, name, { type });
const bytes = (...values: number[]) => new Uint8Array([...values, ...new Array(64).fill(0)]);
const PNG = () => loadFixture('image.png');
const MP4 = () => loadFixture('video-clean-landscape.mp4');
const WEBM = () => bytes(0x1a, 0x45, 0xdf, 0xa3);
const PDF = () => new TextEncoder().encode('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<< >>\nendobj\n');

// ---------------------------------------------------------------------------------------------------------
// The forms, wired like their components

/** Side panel → Create: `buildBatch` on the form, the first issue is the reason, else `jobs.enqueue`. */
async function createForm(w: World, patch: Partial<CreateForm>, picked?: File): Promise<Outcome> {
  const startImage = picked
    ? { name: picked.name, type: picked.type, size: picked.size, content: await typeOfContent(picked) }
    : null;
  const form: CreateForm = { ...DEFAULT_FORM, ...patch, ...(startImage ? { startImage } : {}) };
  const plan = buildBatch(form, { isPro: true });
  const first = plan.issues[0];
  if (first) return refused(issueText(first));
  return answered(await w.ask('jobs.enqueue', { inputs: plan.inputs }));
}

/** Create → Import: the picked file through `readBatchFile`, then the form with its rows. */
async function importFile(w: World, picked: File): Promise<Outcome> {
  const { batch, issue } = await readBatchFile(picked);
  if (issue) return refused(issueText(issue));
  return createForm(w, { text: '', imported: batch as ImportedBatch });
}

/** The popup's quick prompt. */
async function quickPrompt(w: World, text: string): Promise<Outcome> {
  const issue = promptIssue(text);
  if (issue) return refused(issueText(issue));
  const input = { kind: 'video', prompt: text.trim(), orientation: 'landscape', nFrames: 300 };
  return answered(await w.ask('jobs.enqueue', { inputs: [input] }));
}

/** Storyboard: every issue the editor shows (the submit button stays disabled on any), else the queue. */
async function storyboard(w: World, sb: Storyboard): Promise<Outcome> {
  const issues = collectIssues(sb, DEFAULT_STORYBOARD_OPTIONS, null, true);
  if (issues[0]) return refused(issues[0].text);
  const input = toStoryboardInput(sb, DEFAULT_STORYBOARD_OPTIONS, { name: '' });
  return answered(await w.ask('jobs.enqueue', { inputs: [input] }));
}

const board = (lengthS: StoryboardLength, shots: [number, string][], instructions = ''): Storyboard => ({
  lengthS,
  instructions,
  shots: shots.map(([d, scene]) => makeShot(d, scene)),
});

/** Storyboard → Paste: the parse result; a refusal shows in the dialog, the board is not replaced. */
async function paste(w: World, text: string): Promise<Outcome> {
  const parsed = parseAny(text);
  if (!parsed.ok) return refused(parseErrorText(parsed.error));
  return storyboard(w, parsed.storyboard);
}

/** Characters → New: the picked video's checks (Node has no `<video>`: the MP4 header gives the length). */
async function newCharacter(w: World, picked: File): Promise<Outcome> {
  const check = await checkVideoFile(picked, mp4DurationSec);
  if (check.problem) return refused(videoIssue({ file: picked, reading: false, ...check }));
  const fileId = await putFile(await getDb(), picked, picked.name);
  return answered(await w.ask('characters.create', { fileId, timestamps: [0, 1.5] }));
}

/** Characters → Finish: the form refuses on its own problems; otherwise it sends `characters.finish`. */
async function finishForm(
  w: World,
  values: { username: string; displayName: string; instructions: string },
): Promise<Outcome> {
  const problem = finishProblems({ ...values, visibility: 'private' })[0];
  if (problem) return refused(finishIssueText(problem));
  return answered(await w.ask('characters.finish', { id: 'ch_none', ...values, visibility: 'private' }));
}

async function inviteForm(w: World, code: string): Promise<Outcome> {
  const valid = validateInviteCode(code);
  if (!valid.ok) return refused(t(INVITE_PROBLEM_TEXT[valid.problem]));
  return answered(await w.ask('account.redeemInvite', { code: valid.code }));
}

async function usernameForm(w: World, name: string): Promise<Outcome> {
  const valid = validateUsername(name);
  if (!valid.ok) {
    // An empty field has no message of its own (its Set button is disabled): the rules are the reason.
    return refused(t(USERNAME_PROBLEM_TEXT[valid.problem] ?? 'username.rules'));
  }
  return answered(await w.ask('account.setUsername', { username: valid.username }));
}

/** A settings text field: saved only when valid (components/settings/fields.tsx, FilenameTemplateField). */
async function setting(
  key: keyof Settings,
  text: string,
  isValid: (s: string) => boolean,
  invalidText: string,
): Promise<Outcome> {
  if (!isValid(text)) return refused(invalidText);
  await saveSettings({ [key]: key === 'concurrency' ? parseConcurrency(text) : text.trim() });
  return ACCEPTED;
}

async function template(text: string): Promise<Outcome> {
  const problem = templateProblem(text);
  return setting(
    'filenameTemplate',
    text,
    () => problem === null,
    problem ? templateProblemText(problem) : '',
  );
}

/** History → Import file: the store's own handler; its notice is what the user reads. */
async function historyImport(picked: File): Promise<Outcome> {
  useHistory.setState({ notice: null });
  await useHistory.getState().importFile(picked);
  const notice = useHistory.getState().notice;
  if (!notice) throw new Error('the import said nothing');
  const text = t(notice.key, notice.params);
  return notice.tone === 'error' ? refused(text) : ACCEPTED;
}

/**
 * Create / Storyboard → Enhance (components/enhance/EnhancePrompt.tsx): the request's checks, the sentence
 * the control shows, else `prompt.enhance` (for a 10 s video, as both views ask for it).
 */
async function enhanceForm(w: World, text: string, level: ExpansionLevel = 'medium'): Promise<Outcome> {
  const check = checkEnhanceRequest({ prompt: text, expansionLevel: level, durationS: 10 });
  if (!check.ok) return refused(enhanceProblemText(check.problem));
  return answered(await w.ask('prompt.enhance', check.request));
}

/** A message straight to the background, as a page that skipped its checks would send it. */
/** History → a video's dialog → Extend: the prompt checked, then `jobs.enqueue` of an extension. */
async function extendForm(w: World, text: string): Promise<Outcome> {
  const problem = extendPromptProblem(text);
  if (problem) return refused(t(problem.key, problem.params));
  return answered(
    await w.ask('jobs.enqueue', {
      inputs: [{ kind: 'extend', prompt: text, source: 'gen_01ABC', seconds: 10 }],
    }),
  );
}

async function enqueue(w: World, input: Record<string, unknown>): Promise<Outcome> {
  return answered(await w.ask('jobs.enqueue', { inputs: [input] }));
}

// ---------------------------------------------------------------------------------------------------------
// Checking accepted text arrived intact

/** Creates (video, image, storyboard) the simulator received since `seq`. */
const creates = (w: World, seq: number): LogEntry[] =>
  w.sim.control
    .log({ since: seq, method: 'POST' })
    .filter((e) => /^\/backend\/(nf\/create(\/storyboard)?|video_gen)$/.test(e.path));

const utf8 = (s: string) => Buffer.from(s, 'utf8');

/**
 * Each text is in a create's body byte for byte (the body's bytes hold the text's JSON encoding: nothing
 * normalised, trimmed or re-encoded) and in the stored job. `requests`: how many creates to wait for.
 */
async function arrivedIntact(w: World, seq: number, texts: string[], requests = texts.length): Promise<void> {
  await expect.poll(() => creates(w, seq).length, WAIT).toBe(requests);
  const bodies = creates(w, seq).map((e) => ({
    raw: utf8(e.rawBody ?? ''),
    prompt: (e.body as { prompt: string }).prompt,
  }));
  const jobs: Job[] = await jobsOf(w);
  for (const text of texts) {
    const exact = requests === texts.length;
    const has = (prompt: string) => (exact ? prompt === text : prompt.includes(text));
    const hit = bodies.find((b) => has(b.prompt));
    expect(hit, `a request carrying ${JSON.stringify(text)}`).toBeDefined();
    expect(hit?.raw.includes(utf8(JSON.stringify(text).slice(1, -1)))).toBe(true);
    expect(
      jobs.some((j) => has(j.request.prompt)),
      `a stored job with ${JSON.stringify(text)}`,
    ).toBe(true);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The rows

const EMPTY = { refused: 'Write a prompt first.' };
const TOO_LONG = { refused: 'The prompt is 10001 characters long; the limit is 10000.' };
const NOT_A_POST = { refused: 'Paste a Sora post id (s_ and 32 letters or digits) or its link' };
const IS_VIDEO = { refused: 'is a video. A start image must be a still picture' };

const ROWS: Row[] = [
  // Create: prompts
  { form: 'Create', input: 'empty prompt', expect: EMPTY, run: (w) => createForm(w, { text: '' }) },
  {
    form: 'Create',
    input: 'spaces, tabs and line breaks only',
    expect: EMPTY,
    run: (w) => createForm(w, { text: '  \t \n \r\n  ' }),
  },
  {
    form: 'Create',
    input: 'no-break and ideographic spaces only (U+00A0, U+3000)',
    expect: EMPTY,
    run: (w) => createForm(w, { batch: false, text: '\u00a0\u3000\u00a0\u2003' }),
  },
  {
    form: 'Create',
    input: 'zero-width characters only (U+200B, U+200D, U+2060, U+FEFF)',
    expect: EMPTY,
    run: (w) => createForm(w, { batch: false, text: ZERO_WIDTH }),
  },
  {
    form: 'Create',
    input: 'over-long prompt (10,001 characters)',
    expect: TOO_LONG,
    run: (w) => createForm(w, { batch: false, text: OVER_LONG }),
  },
  {
    form: 'Create',
    input: '10,000-line paste, one prompt a line',
    expect: { refused: 'This makes 10000 jobs; one batch takes at most 500.' },
    run: (w) => createForm(w, { batch: true, text: TEN_THOUSAND_LINES }),
  },
  {
    form: 'Create',
    input: '10,000-line paste as a single prompt',
    expect: { refused: 'characters long; the limit is 10000.' },
    run: (w) => createForm(w, { batch: false, text: TEN_THOUSAND_LINES }),
  },
  {
    form: 'Create',
    input: '`{a|b|…}` variables making 1,000 prompts',
    expect: { refused: 'This makes 1000 jobs; one batch takes at most 500.' },
    run: (w) => createForm(w, { text: '{1|2|3|4|5|6|7|8|9|10} {a|b|c|d|e|f|g|h|i|j} {x|y|z|u|v|w|p|q|r|s}' }),
  },
  {
    form: 'Create',
    input: 'a line over the limit inside a batch',
    expect: { refused: 'Line 2: The prompt is 10001 characters long' },
    run: (w) => createForm(w, { text: `a fox\n${OVER_LONG}\na hare` }),
  },
  // Create: start image
  {
    form: 'Create · start image',
    input: 'an MP4 video',
    expect: IS_VIDEO,
    run: (w) => createForm(w, { text: 'a fox' }, file([MP4()], 'clip.mp4', 'video/mp4')),
  },
  {
    form: 'Create · start image',
    input: 'an MP4 video renamed .png',
    expect: IS_VIDEO,
    run: (w) => createForm(w, { text: 'a fox' }, file([MP4()], 'still.png', 'image/png')),
  },
  {
    form: 'Create · start image',
    input: 'a PDF renamed .jpg',
    expect: { refused: 'is named like a picture, but its content is not PNG, JPEG or WebP.' },
    run: (w) => createForm(w, { text: 'a fox' }, file([PDF()], 'scan.jpg', 'image/jpeg')),
  },
  {
    form: 'Create · start image',
    input: 'a GIF',
    expect: { refused: 'A start image must be PNG, JPEG or WebP (this file is image/gif).' },
    run: (w) => createForm(w, { text: 'a fox' }, file([bytes(0x47, 0x49, 0x46, 0x38)], 'a.gif', 'image/gif')),
  },
  {
    form: 'Create · start image',
    input: 'an empty .png',
    expect: { refused: 'The start image file is empty.' },
    run: (w) => createForm(w, { text: 'a fox' }, file([], 'empty.png', 'image/png')),
  },
  {
    form: 'Create · start image',
    input: 'a 12 MB picture',
    expect: { refused: 'The start image is 12 MB; the limit is 10 MB.' },
    run: (w) =>
      createForm(
        w,
        { text: 'a fox' },
        file([PNG(), new Uint8Array(12 * 1024 * 1024 - PNG().length)], 'big.png', 'image/png'),
      ),
  },
  // Create / Remix: the remix target
  {
    form: 'Create · remix link',
    input: 'a link to another host',
    expect: NOT_A_POST,
    run: (w) => createForm(w, { text: 'a fox', remixTarget: `https://example.com/p/${POST}` }),
  },
  {
    form: 'Create · remix link',
    input: 'a look-alike host (sora.chatgpt.com.evil.example)',
    expect: NOT_A_POST,
    run: (w) =>
      createForm(w, { text: 'a fox', remixTarget: `https://sora.chatgpt.com.evil.example/p/${POST}` }),
  },
  {
    form: 'Create · remix link',
    input: '`javascript:` URL',
    expect: NOT_A_POST,
    run: (w) => createForm(w, { text: 'a fox', remixTarget: 'javascript:alert(document.domain)' }),
  },
  {
    form: 'Create · remix link',
    input: 'malformed id (s_123)',
    expect: NOT_A_POST,
    run: (w) => createForm(w, { text: 'a fox', remixTarget: 's_123' }),
  },
  {
    form: 'Create · remix link',
    input: 'a Sora link that is not a post (/explore)',
    expect: NOT_A_POST,
    run: (w) => createForm(w, { text: 'a fox', remixTarget: 'https://sora.chatgpt.com/explore' }),
  },
  {
    form: 'Create · remix link',
    input: 'a remix link together with a start image',
    expect: { refused: 'A remix starts from its post: remove the start image or the remix target.' },
    run: (w) => createForm(w, { text: 'a fox', remixTarget: LINK }, file([PNG()], 'a.png', 'image/png')),
  },
  // Create: CSV / JSON import
  {
    form: 'Create · import',
    input: 'CSV with an unclosed quote',
    expect: {
      refused: 'prompts.csv, line 2: a quoted field starts here but its closing quote (") is missing.',
    },
    run: (w) =>
      importFile(w, file(['prompt,orientation\n"a fox, running,portrait\n'], 'prompts.csv', 'text/csv')),
  },
  {
    form: 'Create · import',
    input: 'CSV with text after a closing quote',
    expect: { refused: 'prompts.csv, line 2: text follows a closing quote.' },
    run: (w) => importFile(w, file(['prompt\n"a fox" runs\n'], 'prompts.csv', 'text/csv')),
  },
  {
    form: 'Create · import',
    input: 'CSV without a header naming “prompt”',
    expect: { refused: 'the first line must name the columns, one of them “prompt”.' },
    run: (w) => importFile(w, file(['a fox\na hare\n'], 'prompts.csv', 'text/csv')),
  },
  {
    form: 'Create · import',
    input: 'CSV with an unknown length (7 s)',
    expect: { refused: 'prompts.csv, line 2: unknown length “7”; use 5, 10, 15 or 25 (seconds).' },
    run: (w) => importFile(w, file(['prompt,seconds\na fox,7\n'], 'prompts.csv', 'text/csv')),
  },
  {
    form: 'Create · import',
    input: 'JSON that is an object, not a list',
    expect: { refused: 'the JSON must be a list of prompts, or of objects with a “prompt”.' },
    run: (w) => importFile(w, file(['{"prompt": "a fox"}'], 'prompts.json', 'application/json')),
  },
  {
    form: 'Create · import',
    input: 'JSON list of lists',
    expect: { refused: 'prompts.json, item 1: not a prompt (text) or an object with a “prompt”.' },
    run: (w) => importFile(w, file(['[["a fox"]]'], 'prompts.json', 'application/json')),
  },
  {
    form: 'Create · import',
    input: 'JSON with an object as a prompt',
    expect: { refused: 'prompts.json, item 1: “prompt” must be text or a number.' },
    run: (w) => importFile(w, file(['[{"prompt": {"text": "a fox"}}]'], 'prompts.json', 'application/json')),
  },
  {
    form: 'Create · import',
    input: 'broken JSON',
    expect: { refused: 'not valid JSON' },
    run: (w) => importFile(w, file(['[{"prompt": "a fox",]'], 'prompts.json', 'application/json')),
  },
  {
    form: 'Create · import',
    input: 'a .png file',
    expect: { refused: 'Import a .csv or .json file.' },
    run: (w) => importFile(w, file([PNG()], 'prompts.png', 'image/png')),
  },
  {
    form: 'Create · import',
    input: 'a PNG renamed .csv (wrong type by content)',
    expect: { refused: 'this is not a text file; save the prompts as CSV or JSON.' },
    run: (w) => importFile(w, file([PNG()], 'prompts.csv', 'text/csv')),
  },
  {
    form: 'Create · import',
    input: 'CSV saved in Windows-1252, not UTF-8 (“café” as byte E9)',
    expect: { refused: 'p.csv: the file is not UTF-8 text; save it as “CSV UTF-8” and import it again.' },
    run: (w) =>
      importFile(
        w,
        file([new Uint8Array([...Buffer.from('prompt\na caf'), 0xe9, 0x0a])], 'p.csv', 'text/csv'),
      ),
  },
  {
    form: 'Create · import',
    input: 'a 3 MB file',
    expect: { refused: 'The file is 3 MB; a batch file may be up to 2 MB.' },
    run: (w) =>
      importFile(w, file([`prompt\n${'a fox\n'.repeat((3 * 1024 * 1024) / 6)}`], 'big.csv', 'text/csv')),
  },
  // Storyboard
  {
    form: 'Storyboard',
    input: 'no shots',
    expect: { refused: 'Add at least one shot.' },
    run: (w) => storyboard(w, board(10, [])),
  },
  {
    form: 'Storyboard',
    input: 'durations not adding up (3 s + 3 s in a 10 s video)',
    expect: { refused: 'The shots add up to 6 s but the video is 10 s: 4 s still unassigned.' },
    run: (w) =>
      storyboard(
        w,
        board(10, [
          [3, 'a door opens'],
          [3, 'light pours in'],
        ]),
      ),
  },
  {
    form: 'Storyboard',
    input: 'an empty scene',
    expect: { refused: 'Shot 2 has no scene: describe what happens in it.' },
    run: (w) =>
      storyboard(
        w,
        board(10, [
          [5, 'a door opens'],
          [5, '   '],
        ]),
      ),
  },
  {
    form: 'Storyboard',
    input: 'a scene of zero-width characters only',
    expect: { refused: 'Shot 2 has no scene: describe what happens in it.' },
    run: (w) =>
      storyboard(
        w,
        board(10, [
          [5, 'a door opens'],
          [5, ZERO_WIDTH],
        ]),
      ),
  },
  {
    form: 'Storyboard',
    input: 'absurd duration (1,000,000,000 s)',
    expect: { refused: 'Shot 1 lasts' },
    run: (w) => storyboard(w, board(10, [[1e9, 'forever']])),
  },
  {
    form: 'Storyboard',
    input: 'a duration that is not a number',
    expect: { refused: 'Shot 1 has no valid duration.' },
    run: (w) =>
      storyboard(
        w,
        board(10, [
          [Number.NaN, 'a door opens'],
          [10, 'light pours in'],
        ]),
      ),
  },
  {
    form: 'Storyboard',
    input: 'a negative duration',
    expect: { refused: 'Shot 1 lasts' },
    run: (w) =>
      storyboard(
        w,
        board(10, [
          [-5, 'a door opens'],
          [15, 'light pours in'],
        ]),
      ),
  },
  {
    form: 'Storyboard',
    input: '11 shots in a 15 s video',
    expect: { refused: 'at most 10' },
    run: (w) =>
      storyboard(
        w,
        board(
          15,
          Array.from({ length: 11 }, (_, i) => [i < 4 ? 2 : 1, `cut ${i}`]),
        ),
      ),
  },
  {
    form: 'Storyboard · paste',
    input: 'text that is no storyboard',
    expect: { refused: 'This is not a storyboard. Paste a storyboard prompt' },
    run: (w) => paste(w, 'Once upon a time a fox met a hare.'),
  },
  {
    form: 'Storyboard · paste',
    input: 'whitespace only',
    expect: { refused: 'Paste some text first.' },
    run: (w) => paste(w, ' \n\u3000\t'),
  },
  {
    form: 'Storyboard · paste',
    input: '10,000-line shorthand paste ([1s] on every line)',
    expect: { refused: 'This text has 10000 shots; a storyboard holds at most 10. Nothing was replaced' },
    run: (w) => paste(w, Array.from({ length: 10_000 }, (_, i) => `[1s] frame ${i}`).join('\n')),
  },
  // Characters
  {
    form: 'Characters · video',
    input: 'a PNG picture',
    expect: { refused: 'This is not an MP4 video (image/png).' },
    run: (w) => newCharacter(w, file([PNG()], 'me.png', 'image/png')),
  },
  {
    form: 'Characters · video',
    input: 'a WebM renamed .mp4 (wrong type by content)',
    expect: { refused: '“me.mp4” is named like an MP4, but its content is not an MP4 video.' },
    run: (w) => newCharacter(w, file([WEBM()], 'me.mp4', 'video/mp4')),
  },
  {
    form: 'Characters · video',
    input: 'an empty .mp4',
    expect: { refused: 'The file is empty.' },
    run: (w) => newCharacter(w, file([], 'me.mp4', 'video/mp4')),
  },
  {
    form: 'Characters · video',
    input: 'a 51 MB video',
    expect: { refused: 'The video is 51 MB; the limit is 50 MB.' },
    run: (w) =>
      newCharacter(w, file([MP4(), new Uint8Array(51 * 1024 * 1024 - MP4().length)], 'me.mp4', 'video/mp4')),
  },
  {
    form: 'Characters · finish',
    input: 'username with a space and capitals',
    expect: { refused: 'Use only a–z, 0–9, dots and underscores.' },
    run: (w) => finishForm(w, { username: 'Ada Lovelace', displayName: 'Ada', instructions: '' }),
  },
  {
    form: 'Characters · finish',
    input: 'display name of spaces only',
    expect: { refused: 'Enter a display name.' },
    run: (w) => finishForm(w, { username: 'ada.l', displayName: '\u3000 \u00a0', instructions: '' }),
  },
  {
    form: 'Characters · finish',
    input: 'instructions over 2,000 characters',
    expect: { refused: 'Use at most 2000 characters.' },
    run: (w) => finishForm(w, { username: 'ada.l', displayName: 'Ada', instructions: 'x'.repeat(2001) }),
  },
  // Account
  {
    form: 'Account · invite code',
    input: 'empty',
    expect: { refused: 'Enter an invite code.' },
    run: (w) => inviteForm(w, '   '),
  },
  {
    form: 'Account · invite code',
    input: 'spaces and punctuation inside',
    expect: { refused: 'Invite codes contain only letters, digits, “-” and “_”.' },
    run: (w) => inviteForm(w, 'AB CD!'),
  },
  {
    form: 'Account · invite code',
    input: '65 characters',
    expect: { refused: 'That is too long for an invite code.' },
    run: (w) => inviteForm(w, 'A'.repeat(65)),
  },
  {
    form: 'Account · username',
    input: 'capitals',
    expect: { refused: 'Use lowercase letters only.' },
    run: (w) => usernameForm(w, 'AdaL'),
  },
  {
    form: 'Account · username',
    input: 'starts with a dot',
    expect: { refused: 'Start with a letter or a digit.' },
    run: (w) => usernameForm(w, '.ada'),
  },
  {
    form: 'Account · username',
    input: 'emoji',
    expect: { refused: 'Only lowercase letters, digits, “.” and “_” are allowed.' },
    run: (w) => usernameForm(w, 'ada🚀'),
  },
  {
    form: 'History · download',
    input: 'a draft whose file is on a foreign host',
    expect: { refused: 'not on Sora’s media host' },
    sends: true,
    async run(w) {
      const started = vi.spyOn(fakeBrowser.downloads, 'download');
      await putHistoryItems(await getDb(), [
        {
          id: 'gen_foreign',
          taskId: 'task_foreign',
          jobId: null,
          kind: 'video',
          prompt: 'a lighthouse',
          params: {},
          url: `https://${FOREIGN_HOST}/v/gen_foreign.mp4`,
          thumbnailUrl: `https://${FOREIGN_HOST}/v/gen_foreign.jpg`,
          createdAt: 1,
          status: 'ready',
        },
      ]);
      const sent = await w.ask('media.download', { ids: ['gen_foreign'], mode: 'original' });
      expect(sent.ok).toBe(true);
      const job = await downloadSettled(w, (j) => j.state === 'failed');
      expect(started).not.toHaveBeenCalled();
      return refused(downloadErrorText(job.lastError as NonNullable<DownloadJob['lastError']>));
    },
  },
  // Settings: the file-name template
  ...(
    [
      ['`../` climbing out', '../../{id}', 'would leave the download folder'],
      ['absolute path', '/etc/{id}', 'start with a name, not'],
      ['Windows drive path', 'C:\\Users\\{id}', 'start with a name, not'],
      ['home path', '~/{id}', 'start with a name, not'],
      ['reserved name CON', 'CON', 'is a device name Windows reserves'],
      ['reserved name NUL as a folder', 'videos/NUL/{id}', 'is a device name Windows reserves'],
      ['reserved name COM1 with an extension', 'COM1.{id}', 'is a device name Windows reserves'],
      ['trailing dot', 'sora/{id}.', 'ends with a dot'],
      ['trailing space in a folder', 'sora /{id}', 'ends with a dot'],
      ['control character', 'a\u0007{id}', 'invisible control characters'],
      ['characters Windows forbids', '{date}|{id}?', 'which Windows forbids'],
      ['over-long (300 characters)', `${'x'.repeat(300)}{id}`, 'The template is longer than 200 bytes'],
    ] as const
  ).map(
    ([input, text, reason]): Row => ({
      form: 'Settings · file-name template',
      input,
      expect: { refused: reason },
      run: () => template(text),
    }),
  ),
  {
    form: 'Settings · parse service',
    input: '`javascript:` URL',
    expect: { refused: t('settings.parseServiceUrlInvalid') },
    run: () =>
      setting(
        'parseServiceUrl',
        'javascript:alert(1)',
        isValidParseServiceUrl,
        t('settings.parseServiceUrlInvalid'),
      ),
  },
  {
    form: 'Settings · parse service',
    input: 'plain http:// URL',
    expect: { refused: 'Enter an address starting with https://, or leave the field empty.' },
    run: () =>
      setting(
        'parseServiceUrl',
        'http://parse.example',
        isValidParseServiceUrl,
        t('settings.parseServiceUrlInvalid'),
      ),
  },
  {
    form: 'Settings · download folder',
    input: '`..` folder',
    expect: { refused: 'Use a relative folder name, without “..”' },
    run: () =>
      setting('downloadFolder', 'Sora/../..', isValidDownloadFolder, t('settings.downloadFolderInvalid')),
  },
  {
    form: 'Settings · concurrency',
    input: '2.5',
    expect: { refused: 'Enter a whole number from 1 to 10.' },
    run: () =>
      setting(
        'concurrency',
        '2.5',
        (s) => parseConcurrency(s) !== undefined,
        t('settings.concurrencyInvalid'),
      ),
  },
  // History: import a file
  {
    form: 'History · import file',
    input: 'a PNG renamed .json (wrong type by content)',
    expect: { refused: 'This file is not a history export (it is not a text file).' },
    run: () => historyImport(file([PNG()], 'history.json', 'application/json')),
  },
  {
    form: 'History · import file',
    input: 'CSV with broken quoting',
    expect: {
      refused: 'This file is not a history export (a quoted field near line 2 is not closed properly).',
    },
    run: () => historyImport(file(['id,prompt\n"gen_1,a fox\n'], 'history.csv', 'text/csv')),
  },
  {
    form: 'History · import file',
    input: 'JSON that is not the expected shape ({"items": 3})',
    expect: { refused: 'This file is not a history export (the JSON holds no list of items).' },
    run: () => historyImport(file(['{"items": 3}'], 'history.json', 'application/json')),
  },
  {
    form: 'History · import file',
    input: 'items without ids',
    expect: { refused: 'This file is not a history export (no item in it has an id).' },
    run: () => historyImport(file(['[{"prompt": "a fox"}]'], 'history.json', 'application/json')),
  },
  {
    form: 'History · import file',
    input: 'a 21 MB file',
    expect: {
      refused: 'This file is not a history export (it is 21 MB; a history file may be up to 20 MB).',
    },
    run: () => historyImport(file([new Uint8Array(21 * 1024 * 1024)], 'history.json', 'application/json')),
  },
  // Popup
  { form: 'Popup · quick prompt', input: 'empty', expect: EMPTY, run: (w) => quickPrompt(w, '') },
  {
    form: 'Popup · quick prompt',
    input: 'ideographic and zero-width spaces only',
    expect: EMPTY,
    run: (w) => quickPrompt(w, `\u3000${ZERO_WIDTH}\u00a0`),
  },
  {
    form: 'Popup · quick prompt',
    input: 'over-long (10,001)',
    expect: TOO_LONG,
    run: (w) => quickPrompt(w, OVER_LONG),
  },
  // Create / Storyboard: Enhance
  ...(
    [
      ['empty text', ''],
      ['spaces, tabs and line breaks only', '  \t \n \r\n  '],
      ['zero-width characters only', ZERO_WIDTH],
    ] as const
  ).map(
    ([input, text]): Row => ({
      form: 'Enhance',
      input,
      expect: { refused: 'Write something first: there is nothing to enhance. Nothing was sent.' },
      run: (w) => enhanceForm(w, text),
    }),
  ),
  {
    form: 'Enhance',
    input: 'over-long (10,001)',
    expect: { refused: 'The text is longer than 10000 characters; shorten it to enhance it.' },
    run: (w) => enhanceForm(w, OVER_LONG, 'long'),
  },
  // The background's own checks: messages that skipped the forms
  ...(
    [
      ['empty prompt', { kind: 'video', prompt: '' }, 'The prompt is empty.'],
      [
        'no-break / ideographic spaces only',
        { kind: 'video', prompt: '\u00a0\u3000' },
        'The prompt is empty.',
      ],
      ['zero-width characters only', { kind: 'image', prompt: ZERO_WIDTH }, 'The prompt is empty.'],
      ['prompt not text', { kind: 'video', prompt: 42 }, 'The prompt is empty.'],
      [
        'over-long prompt',
        { kind: 'video', prompt: OVER_LONG },
        'The prompt is longer than 10000 characters.',
      ],
      [
        'a length Sora does not offer',
        { kind: 'video', prompt: 'a fox', nFrames: 7 },
        'The video length is not one Sora offers',
      ],
      ['unknown kind', { kind: 'hologram', prompt: 'a fox' }, 'Unknown job kind.'],
      [
        'remix of a `javascript:` URL',
        { kind: 'remix', prompt: 'a fox', remixTarget: 'javascript:alert(1)' },
        'The remix target is not a Sora post id',
      ],
      [
        'remix of another host',
        { kind: 'remix', prompt: 'a fox', remixTarget: `https://example.com/p/${POST}` },
        'The remix target is not a Sora post id',
      ],
      [
        'a video as start image',
        {
          kind: 'video',
          prompt: 'a fox',
          startImage: { blob: new Blob([MP4()], { type: 'video/mp4' }), fileName: 'a.mp4' },
        },
        'The start image is a video, not a picture.',
      ],
      [
        '99 image variants',
        { kind: 'image', prompt: 'a fox', nVariants: 99 },
        'The number of images is not valid.',
      ],
      [
        'a video typed image/png as start image',
        {
          kind: 'video',
          prompt: 'a fox',
          startImage: { blob: new Blob([MP4()], { type: 'image/png' }), fileName: 'a.png' },
        },
        'The start image is a video, not a picture.',
      ],
      [
        'a PDF typed image/jpeg as start image',
        {
          kind: 'image',
          prompt: 'a fox',
          startImage: { blob: new Blob([PDF()], { type: 'image/jpeg' }), fileName: 'a.jpg' },
        },
        'The start image is not a PNG, JPEG or WebP picture.',
      ],
      ['empty storyboard', { kind: 'storyboard', prompt: ' ', nFrames: 300 }, 'The storyboard is empty.'],
    ] as const
  ).map(
    ([input, message, reason]): Row => ({
      form: 'Background · jobs.enqueue',
      input,
      // "Not sent": the user must not read "Sora refused" for what never left the extension.
      expect: { refused: `Not sent: ${reason}` },
      sends: true,
      run: (w) => enqueue(w, message as Record<string, unknown>),
    }),
  ),
  {
    form: 'Background · characters.create',
    input: 'a PNG stored as the video',
    expect: { refused: 'Not sent: The file is not an MP4 video.' },
    sends: true,
    async run(w) {
      const fileId = await putFile(await getDb(), new Blob([PNG()], { type: 'image/png' }), 'me.png');
      return answered(await w.ask('characters.create', { fileId, timestamps: [0, 2] }));
    },
  },
  {
    form: 'Background · characters.create',
    input: 'a WebM typed video/mp4, with a length the page claims',
    expect: { refused: 'Not sent: The file is not an MP4 video.' },
    sends: true,
    async run(w) {
      const fileId = await putFile(await getDb(), new Blob([WEBM()], { type: 'video/mp4' }), 'me.mp4');
      return answered(await w.ask('characters.create', { fileId, timestamps: [0, 2], durationSec: 3 }));
    },
  },
  {
    form: 'Background · characters.create',
    input: 'a 30 s part of the video',
    expect: { refused: 'Not sent: The part to use is longer than 10 s.' },
    sends: true,
    async run(w) {
      const fileId = await putFile(await getDb(), new Blob([MP4()], { type: 'video/mp4' }), 'me.mp4');
      return answered(await w.ask('characters.create', { fileId, timestamps: [0, 30] }));
    },
  },
  {
    form: 'Background · characters.create',
    input: 'from a video made on Sora: an id that is not gen_…',
    expect: { refused: 'Not sent: The video is not one made on Sora (its id does not start with gen_).' },
    sends: true,
    run: async (w) =>
      answered(
        await w.ask('characters.create', {
          source: 'generation',
          generationId: 'task_01abc',
          timestamps: [0, 3],
          durationSec: 10,
        }),
      ),
  },
  {
    form: 'Background · characters.create',
    input: 'from a video made on Sora: a part past the end of its 5 s',
    expect: { refused: 'Not sent: The part to use goes past the end of the video.' },
    sends: true,
    run: async (w) => {
      await putHistoryItems(await getDb(), [
        {
          id: 'gen_01fivesec',
          taskId: 'task_01fivesec',
          jobId: null,
          kind: 'video',
          prompt: 'five seconds',
          params: {},
          url: 'https://videos.openai.com/v.mp4',
          createdAt: 1,
          status: 'ready',
          nFrames: 150,
        },
      ]);
      // The page's own idea of the length does not count when History knows it.
      return answered(
        await w.ask('characters.create', {
          source: 'generation',
          generationId: 'gen_01fivesec',
          timestamps: [3, 8],
          durationSec: 20,
        }),
      );
    },
  },
  {
    form: 'Background · characters.finish',
    input: 'username with a slash',
    expect: { refused: 'Not sent: The username may only hold a–z, 0–9, dots and underscores.' },
    sends: true,
    async run(w) {
      const req = {
        id: 'ch_x',
        username: '../admin',
        displayName: 'Ada',
        instructions: '',
        visibility: 'private',
      };
      return answered(await w.ask('characters.finish', req));
    },
  },
  {
    form: 'Background · account',
    input: 'invite code with spaces',
    expect: { refused: 'Sora did not accept this invite code.' },
    sends: true,
    async run(w) {
      // The answer the form turns into its sentence (RedeemInviteForm's resultText).
      const answer = await w.ask('account.redeemInvite', { code: 'AB CD!' });
      const value = answer.value as { outcome: string; reason?: string };
      expect(value).toEqual({ outcome: 'refused', reason: 'format' });
      return refused(t('sora2.redeemRefused'));
    },
  },
  {
    form: 'Background · account',
    input: 'username with capitals',
    expect: { refused: 'Use lowercase letters only.' },
    sends: true,
    async run(w) {
      const answer = await w.ask('account.setUsername', { username: 'AdaL' });
      const value = answer.value as { outcome: string; problem: keyof typeof USERNAME_PROBLEM_TEXT };
      expect(value.outcome).toBe('invalid');
      return refused(t(USERNAME_PROBLEM_TEXT[value.problem] ?? 'username.refused'));
    },
  },
  ...(
    [
      [
        'zero-width characters only',
        { prompt: ZERO_WIDTH, expansionLevel: 'medium', durationS: 10 },
        'The prompt is empty',
      ],
      [
        'over-long prompt',
        { prompt: OVER_LONG, expansionLevel: 'medium', durationS: 10 },
        'The prompt is longer than 10000 characters.',
      ],
      [
        'an expansion level Sora does not offer',
        { prompt: 'a fox', expansionLevel: 'short', durationS: 10 },
        'The expansion level must be medium or long.',
      ],
      [
        'a 5 s length (the enhancer takes 10–25 s)',
        { prompt: 'a fox', expansionLevel: 'long', durationS: 5 },
        'The length must be 10, 15, 20 or 25 seconds.',
      ],
    ] as const
  ).map(
    ([input, message, reason]): Row => ({
      form: 'Background · prompt.enhance',
      input,
      expect: { refused: `Not sent: ${reason}` },
      sends: true,
      run: async (w) => answered(await w.ask('prompt.enhance', message as never)),
    }),
  ),
  {
    form: 'History · extend',
    input: 'only zero-width characters',
    expect: { refused: 'Write what happens next.' },
    run: (w) => extendForm(w, '\u200b\u200d\ufeff '),
  },
  {
    form: 'History · extend',
    input: 'a 10,001-character prompt',
    expect: { refused: 'The prompt is longer than 10000 characters.' },
    run: (w) => extendForm(w, 'x'.repeat(10_001)),
  },
  ...(
    [
      [
        'extend a task id',
        { source: 'task_01ABC' },
        'The video to extend is not a Sora generation id (gen_…).',
      ],
      ['extend by 12 s', { seconds: 12 }, 'An extension is 10 or 15 seconds long.'],
      ['extend with a blank prompt', { prompt: '\u200b ' }, 'The "what happens next" prompt is empty.'],
    ] as const
  ).map(
    ([input, patch, reason]): Row => ({
      form: 'Background · jobs.enqueue',
      input,
      expect: { refused: `Not sent: ${reason}` },
      sends: true,
      run: (w) =>
        enqueue(w, { kind: 'extend', prompt: 'then it rains', source: 'gen_01ABC', seconds: 10, ...patch }),
    }),
  ),
];

/** Rows whose text must arrive as typed, all the way to Sora and into storage. */
const INTACT_ROWS: (Row & { check(w: World, seq: number): Promise<void> })[] = [
  ...(Object.entries(INTACT) as [keyof typeof INTACT, string][]).map(([name, text]) => ({
    form: 'Create',
    input: `${name}: ${text}`,
    expect: 'intact' as const,
    run: (w: World) => createForm(w, { batch: false, text }),
    check: (w: World, seq: number) => arrivedIntact(w, seq, [text]),
  })),
  {
    form: 'Create',
    input: 'batch of an emoji line and a right-to-left line',
    expect: 'intact',
    run: (w) => createForm(w, { batch: true, text: `${INTACT.emoji}\r\n\u200b\n${INTACT.arabic}` }),
    check: (w, seq) => arrivedIntact(w, seq, [INTACT.emoji, INTACT.arabic]),
  },
  {
    form: 'Create · import',
    input: 'CSV with emoji and Hebrew in quoted fields (commas, doubled quotes)',
    expect: 'intact',
    run: (w) =>
      importFile(
        w,
        file(
          [`\uFEFFprompt,orientation\n"${INTACT.hebrew}, ""quoted""",portrait\n"${INTACT.emoji}",\n`],
          'p.csv',
          'text/csv',
        ),
      ),
    check: (w, seq) => arrivedIntact(w, seq, [`${INTACT.hebrew}, "quoted"`, INTACT.emoji]),
  },
  {
    form: 'Create · import',
    input: 'JSON with combining marks and bidi isolates',
    expect: 'intact',
    run: (w) => importFile(w, file([JSON.stringify([INTACT.combining, { prompt: INTACT.bidi }])], 'p.json')),
    check: (w, seq) => arrivedIntact(w, seq, [INTACT.combining, INTACT.bidi]),
  },
  {
    form: 'Create · remix link',
    input: 'a share link with query and hash, Arabic prompt',
    expect: 'intact',
    run: (w) =>
      createForm(w, {
        batch: false,
        text: INTACT.arabic,
        remixTarget: `https://sora.chatgpt.com/p/${w.sim.state.seededPostIds[0]}/?utm=x#top`,
      }),
    check: (w, seq) => arrivedIntact(w, seq, [INTACT.arabic]),
  },
  {
    form: 'Storyboard',
    input: 'scenes in emoji, Hebrew and CJK',
    expect: 'intact',
    run: (w) =>
      storyboard(
        w,
        board(
          10,
          [
            [5, INTACT.emoji],
            [2.5, INTACT.hebrew],
            [2.5, INTACT.cjk],
          ],
          INTACT.bidi,
        ),
      ),
    check: (w, seq) => arrivedIntact(w, seq, [INTACT.emoji, INTACT.hebrew, INTACT.cjk, INTACT.bidi], 1),
  },
  {
    form: 'Storyboard · saved board',
    input: 'a board named in Hebrew with an emoji (sent as the title)',
    expect: 'intact',
    async run(w) {
      const sb = board(10, [[10, 'a cat on a roof']]);
      const input = toStoryboardInput(sb, DEFAULT_STORYBOARD_OPTIONS, { name: '  סרטון 🎬 של חתול ' });
      return answered(await w.ask('jobs.enqueue', { inputs: [input] }));
    },
    async check(w, seq) {
      const title = 'סרטון 🎬 של חתול';
      await expect.poll(() => creates(w, seq).length, WAIT).toBe(1);
      const [sent] = creates(w, seq);
      expect((sent?.body as { title?: string } | undefined)?.title).toBe(title);
      expect(utf8(sent?.rawBody ?? '').includes(utf8(title))).toBe(true);
      expect((await jobsOf(w)).map((j) => (j.request as { title?: string }).title)).toEqual([title]);
    },
  },
  {
    form: 'Storyboard · paste',
    input: 'shorthand with right-to-left scenes',
    expect: 'intact',
    run: (w) => paste(w, `${INTACT.bidi} [5s] ${INTACT.arabic} [5s] ${INTACT.combining}`),
    check: (w, seq) => arrivedIntact(w, seq, [INTACT.arabic, INTACT.combining, INTACT.bidi], 1),
  },
  {
    form: 'Popup · quick prompt',
    input: `emoji: ${INTACT.emoji}`,
    expect: 'intact',
    run: (w) => quickPrompt(w, INTACT.emoji),
    check: (w, seq) => arrivedIntact(w, seq, [INTACT.emoji]),
  },
  {
    form: 'Settings · file-name template',
    input: 'emoji and a Hebrew folder: סרטונים/{date}_🎬_{prompt:30}',
    expect: 'intact',
    run: () => template('סרטונים/{date}_🎬_{prompt:30}'),
    async check() {
      expect((await loadSettings()).filenameTemplate).toBe('סרטונים/{date}_🎬_{prompt:30}');
      const path = buildFilename(
        { id: 'gen_1', kind: 'video', prompt: INTACT.hebrew, createdAt: 0 },
        { template: (await loadSettings()).filenameTemplate, folder: '', extension: '.mp4' },
      );
      expect(path.startsWith('סרטונים/')).toBe(true);
      expect(path).toContain('_🎬_');
    },
  },
  {
    form: 'Settings · file-name template',
    input: 'many folder levels of long CJK / emoji prompts: {kind}/{prompt:120}/… ×6/{id}_{prompt:120}',
    expect: 'intact',
    run: () => template(MANY_LEVELS),
    async check() {
      expect((await loadSettings()).filenameTemplate).toBe(MANY_LEVELS);
      const prompt = `${'夜晚的城市灯火🌃'.repeat(20)}👩🏽‍🚀`;
      const path = buildFilename(
        { id: 'gen_1', kind: 'video', prompt, createdAt: 0 },
        { template: MANY_LEVELS, folder: `下载/${'视频'.repeat(20)}`, extension: '.mp4' },
      );
      // The whole path within the limit, counted in UTF-8 bytes; the file name and extension whole.
      expect(utf8Length(path)).toBeLessThanOrEqual(MAX_PATH_BYTES);
      const file = path.split('/').at(-1) as string;
      expect(file.startsWith('gen_1_夜晚的城市灯火🌃')).toBe(true);
      expect(file.endsWith('.mp4')).toBe(true);
      expect(path.startsWith('下载/')).toBe(true);
      expect(path).not.toMatch(/\p{Cs}/u);
    },
  },
  {
    form: 'History · import file',
    input: 'JSON export with emoji, Arabic and combining marks',
    expect: 'intact',
    run: () =>
      historyImport(
        file(
          [
            JSON.stringify({
              items: [
                { id: 'gen_emoji', kind: 'video', prompt: INTACT.emoji },
                { id: 'gen_arabic', kind: 'image', prompt: INTACT.arabic },
                { id: 'gen_nfd', kind: 'video', prompt: INTACT.combining },
              ],
            }),
          ],
          'history.json',
          'application/json',
        ),
      ),
    async check() {
      const db = await getDb();
      expect((await getHistoryItem(db, 'gen_emoji'))?.prompt).toBe(INTACT.emoji);
      expect((await getHistoryItem(db, 'gen_arabic'))?.prompt).toBe(INTACT.arabic);
      expect((await getHistoryItem(db, 'gen_nfd'))?.prompt).toBe(INTACT.combining);
    },
  },
  {
    form: 'Enhance',
    input: 'emoji, right-to-left text and CJK in one prompt',
    expect: 'intact',
    run: (w) => enhanceForm(w, `${INTACT.emoji} ${INTACT.arabic} ${INTACT.cjk}`),
    async check(w, seq) {
      const text = `${INTACT.emoji} ${INTACT.arabic} ${INTACT.cjk}`;
      const [call] = w.sim.control.log({ since: seq, path: '/backend/editor/enhance_prompt' });
      expect((call?.body as { prompt?: string } | undefined)?.prompt).toBe(text);
      expect(utf8(call?.rawBody ?? '').includes(utf8(JSON.stringify(text).slice(1, -1)))).toBe(true);
    },
  },
  {
    form: 'History · search',
    input: 'regex characters, emoji and a 10,000-character query',
    expect: 'intact',
    async run() {
      const items = [
        { id: 'gen_a', prompt: `${INTACT.emoji} .*[(` },
        { id: 'gen_b', prompt: INTACT.hebrew },
      ].map((x) => ({
        ...x,
        taskId: '',
        jobId: null,
        kind: 'video' as const,
        params: {},
        url: '',
        createdAt: 1,
        status: 'ready' as const,
      }));
      const index = buildIndex(items);
      const find = (query: string) => searchEntries(index, { ...DEFAULT_FILTER, query }).map((e) => e.id);
      expect(find('.*[(')).toEqual(['gen_a']);
      expect(find('👩🏽‍🚀')).toEqual(['gen_a']);
      expect(find('הירח')).toEqual(['gen_b']);
      expect(find('x'.repeat(10_000))).toEqual([]);
      return ACCEPTED;
    },
    async check() {},
  },
];

// ---------------------------------------------------------------------------------------------------------
// Guarded: a request was made, but what the answer pointed at or echoed is held back

const FOREIGN_HOST = 'cdn.elsewhere.example';
const MIRROR_HOST = 'dl.parse-mirror.example';
const MANY_LEVELS =
  '{kind}/{prompt:120}/{prompt:120}/{prompt:120}/{prompt:120}/{prompt:120}/{prompt:120}/{id}_{prompt:120}';

/** Polls the download jobs until one matches. */
async function downloadSettled(w: World, done: (j: DownloadJob) => boolean): Promise<DownloadJob> {
  let found: DownloadJob | undefined;
  await expect
    .poll(async () => {
      const answer = await w.ask('media.list', {});
      found = (answer.value as { jobs: DownloadJob[] } | undefined)?.jobs.find(done);
      return found !== undefined;
    }, WAIT)
    .toBe(true);
  return found as DownloadJob;
}

const jsonAnswer = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

interface GuardedRow {
  form: string;
  input: string;
  /** Part of the sentence the user reads. */
  expect: string;
  options?: WorldOptions;
  run(w: World): Promise<string>;
}

/** Set by the partial-echo row's interceptor: the slices of the token Sora echoed. */
const echoed: string[] = [];

const GUARDED_ROWS: GuardedRow[] = [
  {
    form: 'History · download (parse service)',
    input: `the parse service answers a link on a host never allowed (${MIRROR_HOST})`,
    expect: `your parse service’s file is on ${MIRROR_HOST}`,
    options: {
      intercept: async (request) =>
        new URL(request.url).hostname === 'parse.example'
          ? jsonAnswer({ download_link: `https://${MIRROR_HOST}/clean/v.mp4` })
          : undefined,
    },
    async run(w) {
      await saveSettings({ parseServiceUrl: 'https://parse.example' });
      const started = vi.spyOn(fakeBrowser.downloads, 'download');
      const [id] = w.sim.control.seedDrafts({ count: 1, email: EMAIL, promptPrefix: 'A harbor' });
      expect((await w.ask('history.importFromSora', {})).ok).toBe(true);
      expect((await w.ask('media.download', { ids: [id as string], mode: 'clean' })).ok).toBe(true);
      const waiting = await downloadSettled(w, (j) => j.lastError?.code === 'host_unconfirmed');
      // Held: nothing requested from that host, nothing handed to the browser, nothing remembered.
      expect(waiting.state).toBe('resolving');
      expect(w.sim.control.log({ host: MIRROR_HOST })).toEqual([]);
      expect(started).not.toHaveBeenCalled();
      expect((await loadSettings()).trustedMediaHosts).toEqual([]);
      const shown = downloadErrorText(waiting.lastError as NonNullable<DownloadJob['lastError']>);
      // Once the user allows the host, the same download goes on from it.
      expect((await w.ask('media.confirmHost', { host: MIRROR_HOST })).ok).toBe(true);
      expect((await loadSettings()).trustedMediaHosts).toEqual([MIRROR_HOST]);
      await expect.poll(() => started.mock.calls.length, WAIT).toBeGreaterThan(0);
      expect(new Set(started.mock.calls.map(([o]) => new URL(o.url).host))).toEqual(new Set([MIRROR_HOST]));
      return shown;
    },
  },
  {
    form: 'Create · Sora’s error',
    input: 'Sora echoes a slice of the access token in `message` and its end in `param`',
    expect: 'Sora refused the request',
    options: {
      intercept: async (request, auth) => {
        if (!request.url.endsWith('/backend/nf/create') || auth === null) return undefined;
        const token = auth.slice('Bearer '.length);
        const middle = token.slice(40, 72);
        const tail = token.slice(-24);
        echoed.push(middle, tail);
        return jsonAnswer(
          {
            error: {
              message: `Invalid authorization header …${middle}… (truncated)`,
              type: 'invalid_request_error',
              param: `authorization=${tail}`,
              code: null,
            },
          },
          400,
        );
      },
    },
    async run(w) {
      echoed.length = 0;
      expect(await createForm(w, { text: 'a lighthouse at dusk' })).toEqual(ACCEPTED);
      let failed: Job | undefined;
      await expect
        .poll(async () => {
          failed = (await jobsOf(w)).find((j) => j.state === 'failed' && j.lastError);
          return failed !== undefined;
        }, WAIT)
        .toBe(true);
      expect(echoed.length).toBeGreaterThan(0);
      // Nowhere a page, a log, the stored job or an export could carry it.
      const everywhere = JSON.stringify([
        await jobsOf(w),
        w.events,
        w.answers,
        w.console.map((c) => c.map(String)),
        await (await getDb()).getAll('history'),
      ]);
      for (const slice of echoed) expect(everywhere).not.toContain(slice);
      return errorText(failed?.lastError as SerializedError);
    },
  },
];

interface Recorded {
  form: string;
  input: string;
  outcome: string;
}
const recorded: Recorded[] = [];

/**
 * A user-readable sentence: words, no bare code (`bad_request`, `(type)`), no catalogue key standing in for
 * its text, no unfilled `{param}`.
 */
const PROBLEM_CODES = [
  ...SORA_ERROR_CODES,
  ...['type', 'empty', 'too_big', 'too_long', 'unreadable', 'invalid', 'order', 'too_short', 'past_end'],
  ...['uppercase', 'chars', 'start', 'format'],
];
const BARE_CODE = new RegExp(`\\((${PROBLEM_CODES.join('|')})\\)`);

function expectSentence(text: string): void {
  expect(text).not.toMatch(/^[a-z0-9_.]+$/);
  expect(text).not.toMatch(BARE_CODE);
  // What the user typed is quoted back as typed (a template's own `{id}`); only our text is checked.
  expect(text.replace(/“[^”]*”/g, '')).not.toMatch(/\{[a-zA-Z]+\}/);
  for (const key of [...Object.keys(sidePanelEn), ...Object.keys(popupEn)]) expect(text).not.toContain(key);
  expect(text.split(/\s+/).length).toBeGreaterThanOrEqual(3);
}

describe('bad input: every form and import (real background, simulator in process)', () => {
  afterEach(() => tearDownWorld());
  afterAll(() => {
    // A filtered run (-t) updates its rows and keeps the others.
    const path = fileURLToPath(new URL('./.bad-input.json', import.meta.url));
    let previous: Recorded[] = [];
    try {
      previous = JSON.parse(readFileSync(path, 'utf8')).rows ?? [];
    } catch {
      // first run
    }
    const key = (r: { form: string; input: string }) => `${r.form}\u0000${r.input}`;
    const fresh = new Map(recorded.map((r) => [key(r), r]));
    const old = new Map(previous.map((r) => [key(r), r]));
    const rows = [...ROWS, ...INTACT_ROWS, ...GUARDED_ROWS].flatMap(
      (r) => fresh.get(key(r)) ?? old.get(key(r)) ?? [],
    );
    writeFileSync(path, `${JSON.stringify({ rows }, null, 2)}\n`);
  });

  it.each(ROWS.map((r) => [r.form, r.input, r] as const))('%s × %s', async (_form, _input, row) => {
    world = await boot();
    const w = world;
    const seq = w.sim.control.log().at(-1)?.seq ?? 0;
    const settingsBefore = await storedSettings();
    const jobsBefore = (await jobsOf(w)).length;
    asked.length = 0;
    const outcome = await row.run(w);
    await flush();
    expect(outcome).toHaveProperty('refused');
    const reason = (outcome as { refused: string }).refused;
    expect(reason).toContain((row.expect as { refused: string }).refused);
    expectSentence(reason);
    // Before any request: nothing reached the simulator, nothing was queued or saved.
    expect(w.sim.control.log({ since: seq })).toEqual([]);
    if (!row.sends) expect(asked.filter((n) => n !== 'jobs.list')).toEqual([]);
    expect((await jobsOf(w)).length).toBe(jobsBefore);
    expect(await storedSettings()).toEqual(settingsBefore);
    recorded.push({ form: row.form, input: row.input, outcome: `refused: ${reason}` });
  });

  it.each(INTACT_ROWS.map((r) => [r.form, r.input, r] as const))(
    '%s × %s',
    async (_form, _input, row) => {
      world = await boot();
      const w = world;
      const seq = w.sim.control.log().at(-1)?.seq ?? 0;
      const outcome = await row.run(w);
      expect(outcome).toEqual(ACCEPTED);
      await row.check(w, seq);
      recorded.push({ form: row.form, input: row.input, outcome: 'accepted, kept intact' });
    },
    30_000,
  );

  it.each(GUARDED_ROWS.map((r) => [r.form, r.input, r] as const))(
    '%s × %s',
    async (_form, _input, row) => {
      world = await boot(row.options);
      const shown = await row.run(world);
      expect(shown).toContain(row.expect);
      expectSentence(shown);
      recorded.push({ form: row.form, input: row.input, outcome: `guarded: ${shown}` });
    },
    30_000,
  );
});
