/**
 * Every English sentence of the storyboard model, in one place. The UI localises by `code` (and the issue's
 * params); these texts are the reference wording and the fallback.
 */
import type { ParseErrorCode, StoryboardIssue } from './issues';

/** "10 s", "2.5 s": one decimal only when needed. */
export function formatSeconds(seconds: number): string {
  const rounded = Math.round(seconds * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)} s`;
}

function shotName(index: number | undefined): string {
  return `Shot ${(index ?? 0) + 1}`;
}

export function describeIssue(issue: StoryboardIssue): string {
  switch (issue.code) {
    case 'no_shots':
      return 'The storyboard has no shots. Add at least one shot.';
    case 'too_many_shots':
      return `The storyboard has ${issue.params.actual} shots, but a ${formatSeconds(issue.params.lengthS)} video can hold at most ${issue.params.max}. Remove ${issue.params.actual - issue.params.max}.`;
    case 'empty_scene':
      return `${shotName(issue.shotIndex)} has no scene. Describe what happens in it.`;
    case 'duration_invalid':
      return `${shotName(issue.shotIndex)} has no valid duration. Enter a number of seconds.`;
    case 'duration_too_short':
      return `${shotName(issue.shotIndex)} lasts ${formatSeconds(issue.params.actual)}; a shot must last at least ${formatSeconds(issue.params.min)}.`;
    case 'duration_too_long':
      return `${shotName(issue.shotIndex)} lasts ${formatSeconds(issue.params.actual)}, longer than the whole ${formatSeconds(issue.params.max)} video.`;
    case 'duration_not_step':
      return `${shotName(issue.shotIndex)} lasts ${issue.params.actual} s; durations go in steps of ${formatSeconds(issue.params.step)} (for example ${formatSeconds(issue.params.nearest)}).`;
    case 'total_mismatch': {
      const { expected, actual, difference } = issue.params;
      const fix =
        difference > 0
          ? `shorten the shots by ${formatSeconds(difference)} in total`
          : `${formatSeconds(-difference)} ${-difference === 1 ? 'is' : 'are'} still unassigned`;
      return `The shots add up to ${formatSeconds(actual)}, but the video is ${formatSeconds(expected)} long: ${fix}.`;
    }
    case 'scene_too_long':
      return `${shotName(issue.shotIndex)}'s scene is ${issue.params.actual} characters long; the limit is ${issue.params.max}.`;
    case 'instructions_too_long':
      return `The instructions are ${issue.params.actual} characters long; the limit is ${issue.params.max}.`;
    case 'ambiguous_scene':
      return issue.params.reason === 'shot_header'
        ? `${shotName(issue.shotIndex)}'s scene contains lines that read like the start of shot ${issue.params.nextShot} ("Shot ${issue.params.nextShot}:", then "duration:" and "Scene:" lines), so Sora would split it into two shots. Reword or join those lines.`
        : `${shotName(issue.shotIndex)}'s scene contains a line that is just "instructions:", so everything after it would be read as the overall instructions. Reword that line.`;
    case 'ambiguous_instructions':
      return `The instructions contain lines that read like the start of shot ${issue.params.nextShot} ("Shot ${issue.params.nextShot}:", then "duration:" and "Scene:" lines), so Sora would read them as one more shot. Reword those lines.`;
  }
}

export function describeParseError(code: ParseErrorCode): string {
  switch (code) {
    case 'empty':
      return 'There is nothing to paste: the text is empty.';
    case 'too_many_shots':
      return 'This text has more shots than a storyboard holds (10). Paste fewer shots.';
    case 'unrecognized':
      return 'This text is not a storyboard. Paste a storyboard prompt ("Shot 1:", "duration: 5.0sec", "Scene: …") or the shorthand "intro [5s] first scene [5s] second scene".';
  }
}
