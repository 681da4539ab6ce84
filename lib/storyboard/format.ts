/**
 * The storyboard prompt text Sora expects (NOTES.md "Storyboard prompt format") and the shorthand
 * `preamble [5.0s] scene one [5.0s] scene two`, both directions.
 *
 * How the parser stays unambiguous: a line `Shot N:` only starts a shot when N is the next expected number
 * AND the next line is a `duration:` line AND the line after that starts with `Scene:`. Scene text may
 * therefore span several lines and mention "Shot 3:" or "duration:" freely. `instructions:` only counts as
 * the instructions header when it stands alone on a line after the last shot header. The two things a scene
 * can still contain that would be misread (its own "next shot" header block, or a bare `instructions:` line
 * in the last shot) are found by `sceneAmbiguity` / `instructionsAmbiguity`, which validation uses to refuse
 * such text instead of sending a prompt Sora would split differently.
 */
import type { ParseErrorCode, SceneAmbiguity } from './issues';
import { describeParseError } from './messages';
import {
  lengthForTotal,
  MAX_SHOTS,
  makeShot,
  type Shot,
  type Storyboard,
  type StoryboardLength,
  totalDuration,
} from './model';

const TIMELINE_HEADER = 'current timeline:';
const INSTRUCTIONS_HEADER = 'instructions:';

const SHOT_HEADER_RE = /^\s*shot\s+(\d+)\s*:\s*$/i;
const DURATION_RE = /^\s*duration\s*:\s*(-?(?:\d+(?:\.\d*)?|\.\d+))\s*(?:s|secs?|seconds?)?\s*$/i;
const SCENE_RE = /^\s*scene\s*:/i;
const INSTRUCTIONS_RE = /^\s*instructions\s*:\s*$/i;
const TIMELINE_HEADER_RE = /^\s*current\s+timeline\s*:\s*$/i;
// Unit required: a bare "[5]" is more likely a footnote or a list marker than a shot.
const SHORTHAND_MARKER_RE = /\[\s*(\d+(?:\.\d+)?|\.\d+)\s*(?:s|secs?|seconds?)\s*\]/gi;

/** Unifies line endings and trims, so stored texts compare equal to what a round trip gives back. */
export function normalizeText(text: string): string {
  return text.replace(/\r\n?/g, '\n').trim();
}

export function formatDuration(durationS: number): string {
  // A non-number would write "NaNsec", which no longer parses as a header and breaks every later shot.
  return `${(Number.isFinite(durationS) ? durationS : 0).toFixed(1)}sec`;
}

/** The exact prompt text for `/nf/create/storyboard`. Scenes and instructions are normalized (trimmed). */
export function serializeStoryboard(sb: Pick<Storyboard, 'shots' | 'instructions'>): string {
  const blocks = sb.shots.map(
    (shot, i) =>
      `Shot ${i + 1}:\nduration: ${formatDuration(shot.durationS)}\nScene: ${normalizeText(shot.scene)}`,
  );
  let text = `${TIMELINE_HEADER}\n${blocks.join('\n\n')}`;
  const instructions = normalizeText(sb.instructions);
  if (instructions) text += `\n\n${INSTRUCTIONS_HEADER}\n${instructions}`;
  return text;
}

export interface ParsedStoryboard {
  shots: Shot[];
  instructions: string;
}

function splitLines(text: string): string[] {
  return text.replace(/\r\n?/g, '\n').split('\n');
}

/** The duration of a `Shot N:` header block starting at `lines[i]`, or null when there is none. */
function headerAt(lines: readonly string[], i: number, expected: number): number | null {
  const header = SHOT_HEADER_RE.exec(lines[i] ?? '');
  if (!header || Number(header[1]) !== expected) return null;
  const duration = DURATION_RE.exec(lines[i + 1] ?? '');
  if (!duration || !SCENE_RE.test(lines[i + 2] ?? '')) return null;
  return Number(duration[1]);
}

/**
 * Reads a storyboard prompt. Tolerates `\r\n`, extra blank lines and indentation, a missing
 * `current timeline:` line, `sec` / `s` / no suffix and integer durations, and any letter case in the
 * keywords. Text before `Shot 1:` (other than `current timeline:`) is kept as instructions, ahead of any
 * `instructions:` section, so nothing the user pasted is silently lost. Returns null when there is no shot.
 */
export function parseStoryboard(text: string): ParsedStoryboard | null {
  const lines = splitLines(text);
  const headers: { line: number; durationS: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const durationS = headerAt(lines, i, headers.length + 1);
    if (durationS === null) continue;
    headers.push({ line: i, durationS });
    i += 2;
  }
  const first = headers[0];
  const last = headers[headers.length - 1];
  if (!first || !last) return null;

  let instructionsLine = -1;
  for (let i = last.line + 3; i < lines.length; i++) {
    if (INSTRUCTIONS_RE.test(lines[i]!)) {
      instructionsLine = i;
      break;
    }
  }
  const textEnd = instructionsLine === -1 ? lines.length : instructionsLine;

  const shots = headers.map((header, n) => {
    const end = headers[n + 1]?.line ?? textEnd;
    const sceneFirst = lines[header.line + 2]!.replace(SCENE_RE, '');
    const scene = [sceneFirst, ...lines.slice(header.line + 3, end)].join('\n');
    return makeShot(header.durationS, normalizeText(scene));
  });

  const preamble = normalizeText(
    lines
      .slice(0, first.line)
      .filter((line) => !TIMELINE_HEADER_RE.test(line))
      .join('\n'),
  );
  const section = instructionsLine === -1 ? '' : normalizeText(lines.slice(instructionsLine + 1).join('\n'));
  const instructions = [preamble, section].filter(Boolean).join('\n\n');
  return { shots, instructions };
}

/**
 * Reads `preamble [5.0s] scene one [5.0s] scene two`. The text before the first marker is overall
 * direction, so it becomes the instructions (it describes the whole video, not a shot). Markers need a
 * unit: `[5s]`, `[5.0s]`, `[2.5 sec]`, `[3 seconds]`. Returns null when there is no marker.
 */
export function parseShorthand(text: string): ParsedStoryboard | null {
  const source = text.replace(/\r\n?/g, '\n');
  const markers = [...source.matchAll(SHORTHAND_MARKER_RE)];
  const first = markers[0];
  if (!first) return null;
  const shots = markers.map((marker, n) => {
    const start = marker.index + marker[0].length;
    const end = markers[n + 1]?.index ?? source.length;
    return makeShot(Number(marker[1]), normalizeText(source.slice(start, end)));
  });
  return { shots, instructions: normalizeText(source.slice(0, first.index)) };
}

export type { ParseErrorCode, SceneAmbiguity };
export type StoryboardFormat = 'timeline' | 'shorthand';

export interface ParseError {
  code: ParseErrorCode;
  message: string;
  /** For `too_many_shots`: the shots the text holds. */
  count?: number;
}

export type ParseResult =
  | { ok: true; storyboard: Storyboard; format: StoryboardFormat }
  | { ok: false; error: ParseError };

export interface ParseOptions {
  /**
   * The video's length when known (e.g. from a finished video's `n_frames`, via `lengthForFrames`);
   * otherwise it is inferred from the shots' total with `lengthForTotal`.
   */
  lengthS?: StoryboardLength | null;
}

/**
 * "Paste storyboard" / "Open in storyboard": accepts either format. The prompt format wins when both could
 * apply, because its headers are far stricter than a bracketed number. The result is not validated; run
 * `validateStoryboard` to show what still needs fixing.
 */
export function parseAny(text: string, options: ParseOptions = {}): ParseResult {
  if (!text.trim()) return parseFailure('empty');
  let format: StoryboardFormat = 'timeline';
  let parsed = parseStoryboard(text);
  if (!parsed) {
    format = 'shorthand';
    parsed = parseShorthand(text);
  }
  if (!parsed) return parseFailure('unrecognized');
  // A long document full of "[5s]" would become thousands of shot cards: refused here, while the text is
  // still in the paste box and the board untouched, instead of freezing the editor.
  const count = parsed.shots.length;
  if (count > MAX_SHOTS) return { ok: false, error: { ...parseFailure('too_many_shots').error, count } };
  const lengthS = options.lengthS ?? lengthForTotal(totalDuration(parsed));
  return {
    ok: true,
    format,
    storyboard: { shots: parsed.shots, instructions: parsed.instructions, lengthS },
  };
}

function parseFailure(code: ParseErrorCode): { ok: false; error: ParseError } {
  return { ok: false, error: { code, message: describeParseError(code) } };
}

/**
 * Why this scene (at `index` of `count` shots) would not survive the prompt format, or null when it is
 * safe. Mirrors the parser: inside shot N's text it looks for a `Shot N+1:` header block, and, in the last
 * shot, for a bare `instructions:` line. Other look-alikes ("Shot 2:" without the duration and scene lines,
 * "Shot 7:" in shot 2, "duration: 3sec" on its own) are read back as plain scene text.
 */
export function sceneAmbiguity(scene: string, index: number, count: number): SceneAmbiguity | null {
  // The scene's first line sits behind "Scene: ", so only its later lines can pass for a header.
  const lines = splitLines(normalizeText(scene));
  for (let i = 1; i < lines.length; i++) {
    if (headerAt(lines, i, index + 2) !== null) return 'shot_header';
  }
  if (index === count - 1 && lines.slice(1).some((line) => INSTRUCTIONS_RE.test(line))) {
    return 'instructions_header';
  }
  return null;
}

/** True when the instructions contain a `Shot N+1:` header block that the parser would read as one more shot. */
export function instructionsAmbiguity(instructions: string, shotCount: number): boolean {
  const lines = splitLines(normalizeText(instructions));
  return lines.some((_, i) => headerAt(lines, i, shotCount + 1) !== null);
}
