/**
 * The storyboard model: shots + instructions for a video of 5 / 10 / 15 / 25 s, the Sora prompt format and
 * shorthand in both directions, and validation. Request bodies are built in lib/sora; `framesFor` gives
 * their `n_frames`. Around it: `@mention` text helpers (mentions.ts), reading stored boards back
 * (revive.ts), and the format options, plan checks and queue input (submit.ts).
 */
export {
  formatDuration,
  instructionsAmbiguity,
  normalizeText,
  type ParsedStoryboard,
  type ParseError,
  type ParseErrorCode,
  type ParseOptions,
  type ParseResult,
  parseAny,
  parseShorthand,
  parseStoryboard,
  type SceneAmbiguity,
  type StoryboardFormat,
  sceneAmbiguity,
  serializeStoryboard,
} from './format';
export type { StoryboardIssue, StoryboardIssueCode } from './issues';
export {
  insertMention,
  type MentionCandidate,
  type MentionQuery,
  matchMentions,
  mentionAt,
  toMentionCandidates,
} from './mentions';
export { describeIssue, describeParseError, formatSeconds } from './messages';
export {
  type AddShotOptions,
  addShot,
  canAddShot,
  canFitToLength,
  createStoryboard,
  DEFAULT_LENGTH_S,
  DURATION_STEP_S,
  duplicateShot,
  FRAMES_PER_SECOND,
  fitToLength,
  framesFor,
  isOnStep,
  isStoryboardLength,
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
  remainingSeconds,
  removeShot,
  roundSeconds,
  type Shot,
  type ShotShare,
  STORYBOARD_LENGTHS,
  type Storyboard,
  type StoryboardLength,
  shotShares,
  snapDuration,
  type Timeline,
  timeline,
  totalDuration,
  updateShot,
} from './model';
export { type DropSide, dropIndex } from './reorder';
export { reviveStoryboard } from './revive';
export {
  DEFAULT_STORYBOARD_OPTIONS,
  DEFAULT_TITLE,
  normalizeOptions,
  type PlanIssue,
  planIssues,
  type StoryboardOptions,
  storyboardTitle,
  toStoryboardInput,
} from './submit';
export { isStoryboardValid, validateStoryboard } from './validate';
