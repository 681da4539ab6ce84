/**
 * Every problem that blocks a storyboard, localised, and tagged with the place the editor shows it (beside a
 * shot, the timeline, a format option, the instructions or the start image).
 */
import { startImageIssue } from '../../lib/create/build';
import { issueText } from '../../lib/create/messages';
import { getLocale, t } from '../../lib/i18n';
import {
  type PlanIssue,
  planIssues,
  type Storyboard,
  type StoryboardIssue,
  type StoryboardOptions,
  validateStoryboard,
} from '../../lib/storyboard';
import type { StoryboardImage } from '../../lib/storyboard/repo';

export type IssuePlace =
  | 'shots'
  | 'shot'
  | 'total'
  | 'instructions'
  | 'length'
  | 'model'
  | 'size'
  | 'startImage';

export interface ViewIssue {
  place: IssuePlace;
  /** 0-based, for place 'shot'. */
  shotIndex?: number;
  code: string;
  text: string;
}

/** "10", "2.5": one decimal only when needed, in the UI language's number format. */
export function formatNumber(seconds: number): string {
  const rounded = Math.round(seconds * 10) / 10;
  return rounded.toLocaleString(getLocale() === 'zh_CN' ? 'zh-CN' : 'en', { maximumFractionDigits: 1 });
}

/** "10 s" / "10 秒". */
export function secs(seconds: number): string {
  return t('storyboard.seconds', { s: formatNumber(seconds) });
}

function modelIssueText(issue: StoryboardIssue): string {
  const n = (issue.shotIndex ?? 0) + 1;
  switch (issue.code) {
    case 'no_shots':
      return t('storyboard.issue.noShots');
    case 'too_many_shots':
      return t('storyboard.issue.tooManyShots', {
        length: secs(issue.params.lengthS),
        max: issue.params.max,
        extra: issue.params.actual - issue.params.max,
      });
    case 'empty_scene':
      return t('storyboard.issue.emptyScene', { n });
    case 'duration_invalid':
      return t('storyboard.issue.durationInvalid', { n });
    case 'duration_too_short':
      return t('storyboard.issue.durationTooShort', {
        n,
        actual: secs(issue.params.actual),
        min: secs(issue.params.min),
      });
    case 'duration_too_long':
      return t('storyboard.issue.durationTooLong', {
        n,
        actual: secs(issue.params.actual),
        max: secs(issue.params.max),
      });
    case 'duration_not_step':
      return t('storyboard.issue.durationNotStep', {
        n,
        actual: t('storyboard.seconds', { s: String(issue.params.actual) }),
        step: secs(issue.params.step),
        nearest: secs(issue.params.nearest),
      });
    case 'total_mismatch': {
      const { expected, actual, difference } = issue.params;
      const params = {
        actual: secs(actual),
        expected: secs(expected),
        difference: secs(Math.abs(difference)),
      };
      return difference > 0
        ? t('storyboard.issue.totalOver', params)
        : t('storyboard.issue.totalUnder', params);
    }
    case 'scene_too_long':
      return t('storyboard.issue.sceneTooLong', { n, actual: issue.params.actual, max: issue.params.max });
    case 'instructions_too_long':
      return t('storyboard.issue.instructionsTooLong', {
        actual: issue.params.actual,
        max: issue.params.max,
      });
    case 'ambiguous_scene':
      return issue.params.reason === 'shot_header'
        ? t('storyboard.issue.ambiguousShot', { n, next: issue.params.nextShot })
        : t('storyboard.issue.ambiguousInstructionsLine', { n });
    case 'ambiguous_instructions':
      return t('storyboard.issue.ambiguousInstructions', { next: issue.params.nextShot });
  }
}

function placeOf(issue: StoryboardIssue): IssuePlace {
  switch (issue.code) {
    case 'no_shots':
    case 'too_many_shots':
      return 'shots';
    case 'total_mismatch':
      return 'total';
    case 'instructions_too_long':
    case 'ambiguous_instructions':
      return 'instructions';
    default:
      return 'shot';
  }
}

function planIssue(issue: PlanIssue): ViewIssue {
  switch (issue.code) {
    case 'pro_length':
      return {
        place: 'length',
        code: issue.code,
        text: t('storyboard.issue.proLength', { length: secs(issue.params.lengthS) }),
      };
    case 'pro_model':
      return { place: 'model', code: issue.code, text: t('storyboard.issue.proModel') };
    case 'pro_size':
      return { place: 'size', code: issue.code, text: t('storyboard.issue.proSize') };
    case 'prompt_too_long':
      return {
        place: 'shots',
        code: issue.code,
        text: t('storyboard.issue.promptTooLong', { length: issue.params.length, max: issue.params.max }),
      };
  }
}

/** All issues, in the order the editor shows them top to bottom (options, shots, total, the rest). */
export function collectIssues(
  sb: Storyboard,
  options: StoryboardOptions,
  startImage: StoryboardImage | null,
  isPro: boolean,
): ViewIssue[] {
  const plan = planIssues(sb, options, isPro).map(planIssue);
  const model = validateStoryboard(sb).map(
    (issue): ViewIssue => ({
      place: placeOf(issue),
      ...(issue.shotIndex === undefined ? {} : { shotIndex: issue.shotIndex }),
      code: issue.code,
      text: modelIssueText(issue),
    }),
  );
  const image = startImage ? startImageIssue(startImage) : null;
  const imageIssues: ViewIssue[] = image
    ? [{ place: 'startImage', code: image.key, text: issueText(image) }]
    : [];
  const rank: Record<IssuePlace, number> = {
    length: 0,
    model: 1,
    size: 2,
    shots: 3,
    shot: 4,
    total: 5,
    instructions: 6,
    startImage: 7,
  };
  return [...plan, ...model, ...imageIssues].sort(
    (a, b) => rank[a.place] - rank[b.place] || (a.shotIndex ?? 0) - (b.shotIndex ?? 0),
  );
}

/** The id of the control to focus for an issue (the submit button sends focus to the first one). */
export function controlFor(issue: ViewIssue, shotIds: readonly string[]): string | null {
  switch (issue.place) {
    case 'shot': {
      const id = shotIds[issue.shotIndex ?? 0];
      if (!id) return null;
      return issue.code.startsWith('duration') ? `sb-duration-${id}` : `sb-scene-${id}`;
    }
    case 'length':
      return 'sb-length-group';
    case 'model':
      return 'sb-model';
    case 'size':
      return 'sb-size';
    case 'total':
      return 'sb-fit';
    case 'instructions':
      return 'sb-instructions';
    case 'startImage':
      return 'sb-start-image';
    case 'shots':
      return 'sb-shots-heading';
  }
}

/** The messages shown under one control; `id` is what the control's aria-describedby points at. */
export function IssueList({ id, issues }: { id: string; issues: readonly ViewIssue[] }) {
  if (issues.length === 0) return null;
  return (
    <div id={id} class="field-issues sb-issues" data-testid={id}>
      {issues.map((issue) => (
        <p key={`${issue.code}-${issue.text}`}>{issue.text}</p>
      ))}
    </div>
  );
}
