/**
 * Bad input in the real forms of the shipped build (the representative subset of docs/BAD-INPUT.md, whose
 * full table comes from tests/unit/bad-input.test.ts): each case is typed, pasted or dropped the way a user
 * would, the visible message is checked, the user's text is still there, and the simulator received no
 * request that writes anything.
 */

import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { fixturePath, type Sim } from '../sim/app';
import { type ExtensionHelpers, expect, test } from './fixtures';

const EMAIL = 'ada@example.com';

/** Every POST the simulator received (creates, uploads, settings on Sora's side): none is allowed here. */
const writes = (sim: Sim) => sim.control.log({ method: 'POST' });

async function openTab(extension: ExtensionHelpers, tab: string): Promise<Page> {
  const page = await extension.openSidePanel();
  await page.setViewportSize({ width: 360, height: 900 });
  await page.getByRole('tab', { name: tab }).click();
  return page;
}

/** Drops a file on an element, as dragging it from the desktop does. */
async function dropFile(page: Page, testId: string, file: { name: string; type: string; bytes: Buffer }) {
  const dataTransfer = await page.evaluateHandle(
    ({ name, type, base64 }) => {
      const transfer = new DataTransfer();
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], name, { type }));
      return transfer;
    },
    { name: file.name, type: file.type, base64: file.bytes.toString('base64') },
  );
  await page.getByTestId(testId).dispatchEvent('drop', { dataTransfer });
}

test('bad input is refused with its reason in every form, and nothing is sent', async ({
  sim,
  extension,
}) => {
  await extension.login(EMAIL);

  // --- Create -------------------------------------------------------------------------------------------
  const page = await openTab(extension, 'Create');
  const prompts = page.getByLabel('Prompts, one per line');
  const blocked = page.getByTestId('create-blocked');
  const addToQueue = page.getByRole('button', { name: 'Add to queue' });
  // Blocked but focusable (aria-disabled), so the user can still press it and be led to the problem.
  const press = () => addToQueue.click({ force: true });

  await expect(blocked).toHaveText('Can’t add yet: Write a prompt first.');
  await press();
  await expect(prompts).toBeFocused();
  // Spaces a keyboard cannot show: no-break, ideographic, zero-width.
  await prompts.fill('\u00a0\u3000\n\u200b\u200d\n  ');
  await press();
  await expect(page.getByTestId('create-prompt-issues')).toHaveText('Write a prompt first.');

  await prompts.fill('x'.repeat(10_001));
  await expect(page.getByTestId('create-prompt-issues')).toHaveText(
    'Line 1: The prompt is 10001 characters long; the limit is 10000.',
  );

  // A 10,000-line paste: refused with the count, the panel keeps answering, and not a line is lost. It lands
  // the way a paste does, as one input event with the whole text (Playwright's `fill` types it through the
  // editing machinery, which takes minutes for 200 KB).
  const paste = Array.from({ length: 10_000 }, (_, i) => `a lantern, take ${i + 1}`).join('\n');
  await prompts.evaluate((textarea: HTMLTextAreaElement, text) => {
    textarea.value = text;
    textarea.dispatchEvent(new Event('input', { bubbles: true }));
  }, paste);
  await expect(blocked).toHaveText('Can’t add yet: This makes 10000 jobs; one batch takes at most 500.');
  await press();
  expect(await prompts.inputValue()).toBe(paste);

  // An invalid remix link.
  await prompts.fill('a good prompt');
  const remix = page.getByLabel('Remix of (optional)');
  await remix.fill('javascript:alert(document.domain)');
  await expect(page.getByTestId('create-remix-issues')).toContainText('Paste a Sora post id');
  await press();
  await expect(remix).toBeFocused();
  await remix.fill('');

  // A video dropped as the start image, named like a picture: judged by its bytes.
  await dropFile(page, 'start-image-drop', {
    name: 'still.png',
    type: 'image/png',
    bytes: readFileSync(fixturePath('video-noaudio.mp4')),
  });
  await expect(page.getByTestId('create-start-issues')).toHaveText(
    '“still.png” is a video. A start image must be a still picture: PNG, JPEG or WebP.',
  );
  await press();
  await expect(prompts).toHaveValue('a good prompt');

  // --- Storyboard: durations that do not add up ---------------------------------------------------------
  await page.getByRole('tab', { name: 'Storyboard' }).click();
  const board = page.getByTestId('storyboard-view');
  await board.getByRole('textbox', { name: 'Scene of shot 1' }).fill('A lighthouse at dusk 🌅');
  await board.getByRole('radio', { name: '15 s' }).check();
  await expect(page.getByTestId('sb-blocked')).toContainText(
    'The shots add up to 10 s but the video is 15 s: 5 s still unassigned.',
  );
  await expect(page.getByTestId('sb-submit')).toHaveAttribute('aria-disabled', 'true');

  // --- Characters: a picture renamed .mp4 ---------------------------------------------------------------
  await page.getByRole('tab', { name: 'Characters' }).click();
  await page.getByLabel('Choose a video').setInputFiles({
    name: 'me.mp4',
    mimeType: 'video/mp4',
    buffer: readFileSync(fixturePath('image.png')),
  });
  await expect(page.getByTestId('character-video-issue')).toHaveText(
    '“me.mp4” is named like an MP4, but its content is not an MP4 video.',
  );
  await expect(page.getByRole('button', { name: 'Create character' })).toBeDisabled();

  // --- Settings: a hostile file-name template -----------------------------------------------------------
  await page.getByRole('tab', { name: 'Account' }).click();
  const template = page.getByRole('textbox', { name: 'File name template' });
  const before = await template.inputValue();
  await template.fill('../../CON/{id}');
  await template.press('Tab');
  await expect(page.getByRole('alert').filter({ hasText: 'Not saved' })).toHaveText(
    '“..” would leave the download folder; remove it. Not saved.',
  );
  await expect(template).toHaveValue('../../CON/{id}');
  const stored = await (await extension.worker()).evaluate(async () => {
    type Local = { get(key: string): Promise<Record<string, unknown>> };
    const { chrome } = globalThis as unknown as { chrome: { storage: { local: Local } } };
    const { settings } = await chrome.storage.local.get('settings');
    return (settings as { filenameTemplate?: string } | undefined)?.filenameTemplate;
  });
  expect(stored ?? before).toBe(before);

  // Nothing of all this reached Sora.
  expect(writes(sim)).toEqual([]);
});
