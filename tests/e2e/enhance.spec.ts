/**
 * "Enhance prompt" end to end against the simulator: in Create (single prompt) and on a storyboard shot's
 * scene — the suggestion beside the original, Use this / Undo / Discard, the busy state, a refusal that
 * sends nothing, an error from Sora in words — and the job submitted afterwards carries the accepted text.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';
import { backendCalls, type ExtensionHelpers, expect, test } from './fixtures';

const EMAIL = 'ada@example.com';
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const ENHANCE = '/backend/editor/enhance_prompt';

const enhanceCalls = (sim: Parameters<typeof backendCalls>[0]) => backendCalls(sim, ENHANCE);

async function openPanel(extension: ExtensionHelpers): Promise<Page> {
  const page = await extension.openSidePanel();
  await page.setViewportSize({ width: 360, height: 900 });
  await expect(page.getByRole('tab', { name: 'Create' })).toHaveAttribute('aria-selected', 'true');
  return page;
}

/** axe-core's serious and critical violations (as in a11y.spec.ts; evaluated directly: the CSP refuses tags). */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    type Result = {
      violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[] }> }>;
    };
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<Result> } }).axe;
    const { violations } = await axe.run(document, { resultTypes: ['violations'] });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`);
  });
}

async function noSidewaysScroll(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
}

test.describe('Enhance prompt', () => {
  test('Create: refused when empty, busy once, suggestion beside the original, use, undo, discard, submit', async ({
    sim,
    extension,
  }) => {
    await extension.login(EMAIL);
    const page = await openPanel(extension);
    const enhance = page.getByRole('button', { name: 'Enhance the prompt' });

    // Batch mode: the control says why it cannot be used.
    await expect(enhance).toBeDisabled();
    await expect(
      page.getByText('Enhance works on one prompt: choose “Single prompt” to use it.'),
    ).toBeVisible();
    await page.getByRole('radio', { name: 'Single prompt' }).check();
    await expect(enhance).toBeEnabled();

    // Only zero-width characters: refused in words, nothing sent.
    const prompt = page.getByRole('textbox', { name: 'Prompt', exact: true });
    await prompt.fill('\u200b\u200b');
    await enhance.click();
    await expect(page.getByTestId('enhance-refused')).toHaveText(
      'Write something first: there is nothing to enhance. Nothing was sent.',
    );
    expect(enhanceCalls(sim)).toHaveLength(0);

    // 15 s video, long expansion. Sora answers slowly: one request however fast the clicks come.
    const original = 'a lighthouse in a storm';
    await prompt.fill(original);
    await page.locator('#create-seconds').selectOption('15');
    await page.getByLabel('Expansion').first().selectOption('long');
    await expect(page.getByText('Written for a 15 s video.')).toBeVisible();
    sim.control.addFault({ path: ENHANCE, kind: 'delay', delayMs: 1500, times: 1 });
    await enhance.dblclick();
    await expect(page.getByRole('button', { name: 'Enhancing…' })).toBeDisabled();
    const suggestion = page.getByRole('region', { name: 'Suggested prompt' });
    await expect(suggestion).toBeVisible();
    expect(enhanceCalls(sim)).toHaveLength(1);
    expect(enhanceCalls(sim)[0]?.body).toEqual({ prompt: original, expansion_level: 'long', duration_s: 15 });

    // Beside the original (stacked at this width): both texts, Sora's surrounding blank lines gone.
    await expect(suggestion.getByTestId('enhance-original')).toHaveText(original);
    const offered = suggestion.getByTestId('enhance-text');
    await expect(offered).toContainText(`Cinematic shot: ${original}.`);
    await expect(offered).toContainText('Paced for a 15-second video.');
    const enhanced = (await offered.textContent()) ?? '';
    expect(enhanced).toBe(enhanced.trim());
    await noSidewaysScroll(page);
    await expect(prompt).toHaveValue(original);
    const boxes = async () => {
      const a = await suggestion.getByTestId('enhance-original').boundingBox();
      const b = await offered.boundingBox();
      if (!a || !b) throw new Error('texts not on screen');
      return { a, b };
    };
    const narrow = await boxes();
    expect(narrow.b.y).toBeGreaterThan(narrow.a.y + narrow.a.height - 1);
    await page.setViewportSize({ width: 720, height: 900 });
    await expect
      .poll(async () => {
        const { a, b } = await boxes();
        return b.x > a.x + a.width - 1 && Math.abs(b.y - a.y) < 2;
      })
      .toBe(true);
    await page.setViewportSize({ width: 360, height: 900 });

    // Use this → the prompt is replaced and keeps the focus; Undo → the original is back.
    await suggestion.getByRole('button', { name: 'Use this' }).click();
    await expect(prompt).toHaveValue(enhanced);
    await expect(prompt).toBeFocused();
    await expect(suggestion).toHaveCount(0);
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect(prompt).toHaveValue(original);
    await expect(page.getByRole('button', { name: 'Undo' })).toHaveCount(0);

    // By keyboard: Tab from the prompt reaches Enhance. With the suggestion showing, axe finds nothing
    // serious in light or dark. Discard → nothing changes, the focus returns to Enhance.
    await prompt.focus();
    await page.keyboard.press('Tab');
    await expect(enhance).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(suggestion).toBeVisible();
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      expect(await seriousViolations(page), colorScheme).toEqual([]);
    }
    await suggestion.getByRole('button', { name: 'Discard' }).press('Enter');
    await expect(suggestion).toHaveCount(0);
    await expect(prompt).toHaveValue(original);
    await expect(enhance).toBeFocused();

    // An error from Sora reads as the catalogue's sentence; the prompt is untouched.
    sim.control.addFault({ path: ENHANCE, kind: 'heavy_load', times: 1 });
    await enhance.click();
    const refused = page.getByRole('alert').filter({ hasText: 'Sora is under heavy load.' });
    await expect(refused).toBeVisible();
    // Nothing tries again by itself here: the notice promises no retry, it offers one.
    await expect(refused.locator('p')).toHaveText('Sora is under heavy load.');
    await expect(refused.getByRole('button', { name: 'Try again' })).toBeVisible();
    await expect(prompt).toHaveValue(original);

    // Accept again, then edit: Undo is gone (it would throw the edit away), and the edited text is sent.
    await enhance.click();
    await suggestion.getByRole('button', { name: 'Use this' }).click();
    await expect(page.getByRole('button', { name: 'Undo' })).toBeVisible();
    await prompt.press('End');
    await prompt.pressSequentially(' Night.');
    await expect(page.getByRole('button', { name: 'Undo' })).toHaveCount(0);
    await page.getByRole('button', { name: 'Add to queue' }).click();
    await expect(page.getByTestId('create-done')).toBeVisible();
    await expect.poll(() => backendCalls(sim, '/backend/nf/create').length).toBe(1);
    expect(backendCalls(sim, '/backend/nf/create')[0]?.body).toMatchObject({
      prompt: `${enhanced} Night.`,
      n_frames: 450,
    });
  });

  test('Storyboard: one shot’s scene enhanced with the board’s length, accepted, and sent', async ({
    sim,
    extension,
  }) => {
    await extension.login(EMAIL);
    const page = await openPanel(extension);
    await page.getByRole('tab', { name: 'Storyboard' }).click();
    const view = page.getByTestId('storyboard-view');
    await expect(view).toBeVisible();
    const scene = (n: number) => page.getByRole('textbox', { name: `Scene of shot ${n}` });

    await scene(1).fill('A red kite lifts off the beach');
    const shorter = page.getByRole('button', { name: 'Shorten shot 1 by 0.5 s' });
    for (let i = 0; i < 10; i++) await shorter.click();
    await page.getByRole('button', { name: 'Add shot' }).click();
    await scene(2).fill('The kite string snaps');

    const shot2 = page.getByTestId('sb-shot').nth(1);
    await expect(shot2.getByText('Written for a 10 s video.')).toBeVisible();
    await page.getByRole('button', { name: 'Enhance the scene of shot 2' }).click();
    const suggestion = page.getByRole('region', { name: 'Suggested scene for shot 2' });
    await expect(suggestion.getByTestId('enhance-original')).toHaveText('The kite string snaps');
    const enhanced = (await suggestion.getByTestId('enhance-text').textContent()) ?? '';
    expect(enhanced).toContain('Cinematic shot: The kite string snaps.');
    expect(enhanceCalls(sim).map((c) => c.body)).toEqual([
      { prompt: 'The kite string snaps', expansion_level: 'medium', duration_s: 10 },
    ]);
    await suggestion.getByRole('button', { name: 'Use this' }).click();
    await expect(scene(2)).toHaveValue(enhanced);
    await expect(scene(1)).toHaveValue('A red kite lifts off the beach');
    // Undo belongs to shot 2 alone: it gives back that scene, and the suggestion can be taken again.
    await expect(page.getByRole('button', { name: 'Undo' })).toHaveCount(1);
    await shot2.getByRole('button', { name: 'Undo' }).click();
    await expect(scene(2)).toHaveValue('The kite string snaps');
    await page.getByRole('button', { name: 'Enhance the scene of shot 2' }).click();
    await suggestion.getByRole('button', { name: 'Use this' }).click();
    await expect(scene(2)).toHaveValue(enhanced);
    await noSidewaysScroll(page);

    await page.getByRole('button', { name: 'Add storyboard to queue' }).click();
    await expect(page.getByTestId('sb-notice')).toContainText('Storyboard added to the queue.');
    await expect.poll(() => backendCalls(sim, '/backend/nf/create/storyboard').length).toBe(1);
    const body = backendCalls(sim, '/backend/nf/create/storyboard')[0]?.body as { prompt: string };
    // Shot 2 is the last block of the storyboard prompt.
    expect(body.prompt.endsWith(`Scene: ${enhanced}`)).toBe(true);
    expect(body.prompt).toContain('Scene: A red kite lifts off the beach\n');
  });
});
