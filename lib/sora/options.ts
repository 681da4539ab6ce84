/**
 * The values some endpoints accept, on their own (lib/sora/endpoints re-exports them with each request):
 * the side panel's first view offers and checks them, and an endpoint's module would bring the response
 * schemas, and with them the validation library, into the panel's entry.
 */

/** How much longer Sora should make the prompt (`POST /editor/enhance_prompt`). */
export const EXPANSION_LEVELS = ['medium', 'long'] as const;
export type ExpansionLevel = (typeof EXPANSION_LEVELS)[number];

/** The video lengths the enhancer writes for; not the same set as the lengths a video can have. */
export const ENHANCE_DURATIONS = [10, 15, 20, 25] as const;
export type EnhanceDuration = (typeof ENHANCE_DURATIONS)[number];

/** The lengths Sora adds to a video, in seconds (`long_video_extension`). */
export const EXTENSION_SECONDS = [10, 15] as const;
export type ExtensionSeconds = (typeof EXTENSION_SECONDS)[number];

export const isExtensionSeconds = (n: unknown): n is ExtensionSeconds =>
  (EXTENSION_SECONDS as readonly unknown[]).includes(n);
