/**
 * The prompt enhancer: `POST /backend/editor/enhance_prompt {prompt, expansion_level, duration_s}` →
 * `{enhanced_prompt}`. No sentinel. The real enhancer rewrites with a language model; the sim writes a
 * deterministic expansion so tests can tell medium from long and 10 s from 25 s, and keeps two habits a
 * client must cope with: the text comes wrapped in blank lines and spaces, and the answer carries fields
 * nobody asked for.
 */
import type { Hono } from 'hono';
import type { SimCore, SimEnv } from '../core';
import { errors } from '../errors';
import { readJson, str } from '../http';

export const EXPANSION_LEVELS = ['medium', 'long'] as const;
export const ENHANCE_DURATIONS = [10, 15, 20, 25] as const;

/** Details the expansion draws from, in a fixed order that the prompt's hash rotates. */
const DETAILS = [
  'Soft morning light falls across the scene, with long shadows and a gentle haze.',
  'The camera glides slowly forward on a steady dolly, keeping the subject centred.',
  'Fine textures stand out: wet stone, loose threads, drifting dust in the air.',
  'A shallow depth of field blurs the background into warm, round highlights.',
  'Ambient sound of wind and distant traffic gives the moment a quiet calm.',
  'Colours lean towards teal shadows and amber highlights, like graded film.',
  'Small movements in the background keep the frame alive without stealing focus.',
  'The shot ends on a lingering close-up that holds for a beat before the cut.',
] as const;

function hash(text: string): number {
  let h = 0;
  for (const ch of text) h = (h * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return h;
}

/**
 * The expansion: the prompt restated as a shot, then details. Medium adds two, long four, and every 5 s
 * beyond 10 s one more, so both parameters change the length.
 */
export function expandPrompt(prompt: string, level: 'medium' | 'long', durationS: number): string {
  const count = (level === 'long' ? 4 : 2) + (durationS - 10) / 5;
  const start = hash(prompt) % DETAILS.length;
  const details = Array.from({ length: count }, (_, i) => DETAILS[(start + i) % DETAILS.length]);
  const subject = prompt.trim().replace(/[.!?。]+$/u, '');
  return [`Cinematic shot: ${subject}.`, ...details, `Paced for a ${durationS}-second video.`].join(' ');
}

export function registerEditor(app: Hono<SimEnv>, _core: SimCore): void {
  app.post('/backend/editor/enhance_prompt', async (c) => {
    const body = await readJson(c);
    const prompt = str(body.prompt);
    if (prompt === undefined || prompt.trim() === '') {
      throw errors.invalid('prompt', 'A prompt is required.');
    }
    const level = body.expansion_level;
    if (level !== 'medium' && level !== 'long') {
      throw errors.invalid('expansion_level', 'expansion_level must be one of: medium, long.');
    }
    const durationS = body.duration_s;
    if (!(ENHANCE_DURATIONS as readonly unknown[]).includes(durationS)) {
      throw errors.invalid('duration_s', 'duration_s must be one of: 10, 15, 20, 25.');
    }
    const text = expandPrompt(prompt, level, durationS as number);
    return c.json({ enhanced_prompt: `\n\n  ${text}  \n`, expansion_level: level, duration_s: durationS });
  });
}
