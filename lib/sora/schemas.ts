/**
 * valibot schemas of every Sora answer, after `shared/sora-api/NOTES.md`. They are loose on purpose: extra
 * fields pass through (`looseObject`), and every field a caller can live without may be absent or `null`.
 * Only what an endpoint is useless without is required (the id of a created thing, the list of a list).
 */
import * as v from 'valibot';

const str = v.nullish(v.string());
const num = v.nullish(v.number());
const bool = v.nullish(v.boolean());
/** Timestamps come as RFC 3339 strings or epoch numbers. */
const timestamp = v.nullish(v.union([v.string(), v.number()]));

/** Any body, including none (an empty 200 / 204). */
export const AnyBodySchema = v.unknown();
export type AnyBody = v.InferOutput<typeof AnyBodySchema>;

// ---------------------------------------------------------------- session / oauth

/** `GET /api/auth/session`. `{}` means logged out. */
export const SessionResponseSchema = v.looseObject({
  accessToken: str,
  user: v.nullish(
    v.looseObject({
      id: str,
      email: str,
      name: str,
      image: str,
    }),
  ),
  expires: str,
});
export type SessionResponse = v.InferOutput<typeof SessionResponseSchema>;

/** `POST https://auth.openai.com/oauth/token` (refresh-token grant). */
export const OAuthTokenResponseSchema = v.looseObject({
  access_token: v.string(),
  refresh_token: str,
  id_token: str,
  expires_in: num,
  token_type: str,
  scope: str,
});
export type OAuthTokenResponse = v.InferOutput<typeof OAuthTokenResponseSchema>;

// ---------------------------------------------------------------- account

/** `GET /me`. */
export const MeResponseSchema = v.looseObject({
  id: str,
  email: str,
  username: str,
  name: str,
});
export type MeResponse = v.InferOutput<typeof MeResponseSchema>;

export const SubscriptionSchema = v.looseObject({
  id: str,
  plan: v.nullish(v.looseObject({ id: str, title: str })),
  end_ts: timestamp,
});
export type Subscription = v.InferOutput<typeof SubscriptionSchema>;

/** `GET /billing/subscriptions`. An empty `data` (or none) means the free plan. */
export const SubscriptionsResponseSchema = v.looseObject({
  data: v.nullish(v.array(SubscriptionSchema)),
});
export type SubscriptionsResponse = v.InferOutput<typeof SubscriptionsResponseSchema>;

/** The allowance, from `GET /nf/check` and sometimes inside the `/nf/create` answer. */
export const RateLimitAndCreditBalanceSchema = v.looseObject({
  estimated_num_videos_remaining: num,
  rate_limit_reached: bool,
  access_resets_in_seconds: num,
});
export type RateLimitAndCreditBalance = v.InferOutput<typeof RateLimitAndCreditBalanceSchema>;

/** `GET /nf/check`. */
export const NfCheckResponseSchema = v.looseObject({
  rate_limit_and_credit_balance: RateLimitAndCreditBalanceSchema,
});
export type NfCheckResponse = v.InferOutput<typeof NfCheckResponseSchema>;

/** `POST /project_y/profile/username/check`. */
export const UsernameCheckResponseSchema = v.looseObject({
  available: v.boolean(),
});
export type UsernameCheckResponse = v.InferOutput<typeof UsernameCheckResponseSchema>;

/** `POST /project_y/profile/username/set`: the shape is undocumented; anything (or nothing) passes. */
export const UsernameSetResponseSchema = v.nullish(v.looseObject({ username: str }));
export type UsernameSetResponse = v.InferOutput<typeof UsernameSetResponseSchema>;

// ---------------------------------------------------------------- invite

/** `GET /project_y/invite/mine`. */
export const InviteMineResponseSchema = v.looseObject({
  invite_code: str,
  redeemed_count: num,
  total_count: num,
});
export type InviteMineResponse = v.InferOutput<typeof InviteMineResponseSchema>;

/** `POST /project_y/invite/accept`. */
export const InviteAcceptResponseSchema = v.looseObject({
  success: bool,
  already_accepted: bool,
});
export type InviteAcceptResponse = v.InferOutput<typeof InviteAcceptResponseSchema>;

// ---------------------------------------------------------------- uploads / images

/** `POST /uploads`. */
export const UploadResponseSchema = v.looseObject({
  id: v.string(),
});
export type UploadResponse = v.InferOutput<typeof UploadResponseSchema>;

/** `POST /video_gen` (image generation). */
export const VideoGenResponseSchema = v.looseObject({
  id: v.string(),
});
export type VideoGenResponse = v.InferOutput<typeof VideoGenResponseSchema>;

export const RecentTaskGenerationSchema = v.looseObject({
  id: v.string(),
  url: str,
  width: num,
  height: num,
});
export type RecentTaskGeneration = v.InferOutput<typeof RecentTaskGenerationSchema>;

export const RecentTaskSchema = v.looseObject({
  id: v.string(),
  /** `queued` → `running` → `succeeded` | `failed` (other strings tolerated). */
  status: str,
  progress_pct: num,
  prompt: str,
  generations: v.nullish(v.array(RecentTaskGenerationSchema)),
  failure_reason: str,
  error_message: str,
});
export type RecentTask = v.InferOutput<typeof RecentTaskSchema>;

/** `GET /v2/recent_tasks?limit=N`. */
export const RecentTasksResponseSchema = v.looseObject({
  task_responses: v.array(RecentTaskSchema),
});
export type RecentTasksResponse = v.InferOutput<typeof RecentTasksResponseSchema>;

// ---------------------------------------------------------------- video

/** `POST /nf/create` and `POST /nf/create/storyboard`. */
export const NfCreateResponseSchema = v.looseObject({
  id: v.string(),
  priority: num,
  task_type: str,
  rate_limit_and_credit_balance: v.nullish(RateLimitAndCreditBalanceSchema),
});
export type NfCreateResponse = v.InferOutput<typeof NfCreateResponseSchema>;

export const PendingTaskSchema = v.looseObject({
  id: v.string(),
  /** `preprocessing` → `queued` → `running` → `processing` → gone; `failed` / `error` are failures. */
  status: str,
  /** 0–1, `null` early. */
  progress_pct: num,
  prompt: str,
  title: str,
  failure_reason: str,
  generations: v.nullish(v.array(v.unknown())),
});
export type PendingTask = v.InferOutput<typeof PendingTaskSchema>;

/** `GET /nf/pending/v2`: a bare array. */
export const PendingTasksResponseSchema = v.array(PendingTaskSchema);
export type PendingTasksResponse = v.InferOutput<typeof PendingTasksResponseSchema>;

/** `encodings` of drafts and post attachments: `source`, `thumbnail`, and more (unverified) keys. */
export const EncodingSchema = v.looseObject({
  path: str,
  size: num,
  width: num,
  height: num,
});
export type Encoding = v.InferOutput<typeof EncodingSchema>;

export const EncodingsSchema = v.looseObject({
  source: v.nullish(EncodingSchema),
  thumbnail: v.nullish(EncodingSchema),
});
export type Encodings = v.InferOutput<typeof EncodingsSchema>;

export const DraftItemSchema = v.looseObject({
  /** The generation id (`gen_…`) publishing needs. */
  id: v.string(),
  task_id: str,
  /** `sora_draft` is a result; `sora_content_violation` a refused one. */
  kind: str,
  url: str,
  downloadable_url: str,
  encodings: v.nullish(EncodingsSchema),
  width: num,
  height: num,
  n_frames: num,
  prompt: str,
  title: str,
  created_at: timestamp,
  reason_str: str,
  markdown_reason_str: str,
  error_reason: str,
});
export type DraftItem = v.InferOutput<typeof DraftItemSchema>;

/** `GET /project_y/profile/drafts/v2?limit=N` (and the legacy `/project_y/profile/drafts`). */
export const DraftsResponseSchema = v.looseObject({
  items: v.array(DraftItemSchema),
  cursor: str,
});
export type DraftsResponse = v.InferOutput<typeof DraftsResponseSchema>;

// ---------------------------------------------------------------- characters

/** `POST /characters/upload`. */
export const CharacterUploadResponseSchema = v.looseObject({
  id: v.string(),
});
export type CharacterUploadResponse = v.InferOutput<typeof CharacterUploadResponseSchema>;

/** `POST /characters/from-generation`: the same `{id:"cameo_…"}` as an upload (extra fields are kept). */
export const CharacterFromGenerationResponseSchema = v.looseObject({
  id: v.string(),
});
export type CharacterFromGenerationResponse = v.InferOutput<typeof CharacterFromGenerationResponseSchema>;

/** `GET /project_y/cameos/in_progress/{id}`. */
export const CameoInProgressResponseSchema = v.looseObject({
  id: str,
  status: str,
  status_message: str,
  /** 0–1 when Sora sends it (not documented). */
  progress_pct: num,
  display_name_hint: str,
  username_hint: str,
  profile_asset_url: str,
  /** A string in practice; kept as whatever Sora sends and passed back to finalize. */
  instruction_set_hint: v.nullish(v.unknown()),
});
export type CameoInProgressResponse = v.InferOutput<typeof CameoInProgressResponseSchema>;

/** `POST /project_y/file/upload`. */
export const FileUploadResponseSchema = v.looseObject({
  asset_pointer: v.string(),
});
export type FileUploadResponse = v.InferOutput<typeof FileUploadResponseSchema>;

/** `POST /characters/finalize`. */
export const CharacterFinalizeResponseSchema = v.looseObject({
  character: v.looseObject({
    character_id: v.string(),
    username: str,
    display_name: str,
  }),
});
export type CharacterFinalizeResponse = v.InferOutput<typeof CharacterFinalizeResponseSchema>;

// ---------------------------------------------------------------- posts

/** `POST /project_y/post`. */
export const PostCreateResponseSchema = v.looseObject({
  post: v.looseObject({
    id: v.string(),
    permalink: str,
  }),
});
export type PostCreateResponse = v.InferOutput<typeof PostCreateResponseSchema>;

export const PostAttachmentSchema = v.looseObject({
  id: str,
  generation_id: str,
  kind: str,
  url: str,
  downloadable_url: str,
  width: num,
  height: num,
  n_frames: num,
  prompt: str,
  task_id: str,
  encodings: v.nullish(EncodingsSchema),
});
export type PostAttachment = v.InferOutput<typeof PostAttachmentSchema>;

/** `GET /project_y/post/{id}`. */
export const PostGetResponseSchema = v.looseObject({
  post: v.looseObject({
    id: v.string(),
    text: str,
    posted_at: timestamp,
    permalink: str,
    preview_image_url: str,
    attachments: v.nullish(v.array(PostAttachmentSchema)),
  }),
});
export type PostGetResponse = v.InferOutput<typeof PostGetResponseSchema>;
export type Post = PostGetResponse['post'];

/** One post as the post read and the own-posts feed carry it. */
export const PostSchema = PostGetResponseSchema.entries.post;

/**
 * `GET /project_y/profile_feed/me?cut=nf2` (NOTES.md: seen in one client's notes only, unverified): the
 * user's own posts. Either list form is accepted, entries as a post or wrapped as `{post, profile}`; the
 * entries are checked one by one by `getOwnPosts` (a stranger among them is skipped, not fatal).
 */
export const OwnPostsResponseSchema = v.looseObject({
  items: v.nullish(v.array(v.unknown())),
  posts: v.nullish(v.array(v.unknown())),
  cursor: v.nullish(v.union([v.string(), v.number()])),
});
export type OwnPostsResponse = v.InferOutput<typeof OwnPostsResponseSchema>;

/** `DELETE /project_y/post/{id}`: 200 with any body, or 204. */
export const PostDeleteResponseSchema = AnyBodySchema;

// ---------------------------------------------------------------- editor

/**
 * `POST /editor/enhance_prompt` → `{enhanced_prompt}`. Only the text is needed; anything else Sora adds is
 * kept. A string is required: an answer without one is no suggestion at all.
 */
export const EnhancePromptResponseSchema = v.looseObject({
  enhanced_prompt: v.string(),
});
export type EnhancePromptResponse = v.InferOutput<typeof EnhancePromptResponseSchema>;
