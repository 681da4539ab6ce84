/**
 * What can be wrong with a storyboard, as codes and parameters: format.ts and validate.ts produce them,
 * messages.ts words them. The words need only these types, so the model can use the words without a circle.
 */
import type { StoryboardLength } from './model';

export type ParseErrorCode = 'empty' | 'unrecognized' | 'too_many_shots';

export type SceneAmbiguity = 'shot_header' | 'instructions_header';

export type StoryboardIssue =
  | { code: 'no_shots'; shotIndex?: undefined; params: Record<string, never> }
  | {
      code: 'too_many_shots';
      shotIndex?: undefined;
      params: { max: number; actual: number; lengthS: StoryboardLength };
    }
  | { code: 'empty_scene'; shotIndex: number; params: Record<string, never> }
  | { code: 'duration_invalid'; shotIndex: number; params: Record<string, never> }
  | { code: 'duration_too_short'; shotIndex: number; params: { min: number; actual: number } }
  | { code: 'duration_too_long'; shotIndex: number; params: { max: number; actual: number } }
  | {
      code: 'duration_not_step';
      shotIndex: number;
      params: { step: number; actual: number; nearest: number };
    }
  | {
      code: 'total_mismatch';
      shotIndex?: undefined;
      /** `difference` = actual − expected: positive means too long, negative means seconds left over. */
      params: { expected: number; actual: number; difference: number };
    }
  | { code: 'scene_too_long'; shotIndex: number; params: { max: number; actual: number } }
  | { code: 'instructions_too_long'; shotIndex?: undefined; params: { max: number; actual: number } }
  | { code: 'ambiguous_scene'; shotIndex: number; params: { reason: SceneAmbiguity; nextShot: number } }
  | { code: 'ambiguous_instructions'; shotIndex?: undefined; params: { nextShot: number } };

export type StoryboardIssueCode = StoryboardIssue['code'];
