/**
 * Extending a video end to end: the real build in Chromium against the simulator. A video made through the
 * queue is extended from its History dialog; the extension runs in the Queue like any job and lands in
 * History as an extension of its source, through exactly one `long_video_extension` call.
 */
import type { Page } from '@playwright/test';
import { backendCalls, expect, test } from './fixtures';

const EMAIL = 'ada@example.com';
const EXTEND_PATH = '/backend/project_y/profile/drafts/*/long_video_extension';

async function openHistory(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'History' }).click();
  await expect(page.getByTestId('history-view')).toBeVisible();
}

/** Asks the background through the extension's own message envelope (what the pages' `send` does). */
async function ask(page: Page, name: string, req: unknown): Promise<unknown> {
  return page.evaluate(
    async ([n, r]) => {
      const runtime = (
        globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }
      ).chrome.runtime;
      return runtime.sendMessage({ channel: 'companion', kind: 'request', name: n, req: r });
    },
    [name, req] as const,
  );
}

test('extend (job → history item linked to its source)', async ({ extension, sim }) => {
  await extension.login(EMAIL);
  const page = await extension.openSidePanel();

  // A video to extend, made through the queue.
  const made = (await ask(page, 'jobs.enqueue', {
    inputs: [{ kind: 'video', prompt: 'A paper boat on a puddle', nFrames: 300 }],
  })) as { ok: boolean };
  expect(made.ok).toBe(true);
  await expect.poll(() => backendCalls(sim, '/backend/nf/create').length).toBe(1);
  sim.clock.advance(120_000);
  await openHistory(page);
  const source = page.getByTestId('history-row').first();
  await expect(source).toContainText('A paper boat on a puddle', { timeout: 20_000 });

  // Its dialog (opened from the keyboard) offers Extend.
  const list = page.getByTestId('history-list');
  await list.focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('history-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Extend: A paper boat on a puddle' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // So does the row, once selected (Space): the dialog opens on the Extend form.
  await list.focus();
  await page.keyboard.press('Space');
  await page
    .getByTestId('history-selection')
    .getByRole('button', { name: 'Extend: A paper boat on a puddle' })
    .click();
  await expect(dialog).toBeVisible();
  const form = page.getByTestId('extend-form');
  await expect(form.getByLabel('What happens next')).toBeFocused();

  // Nothing visible in the prompt: refused in the form, nothing sent.
  await form.getByLabel('What happens next').fill('\u200b  ');
  await form.getByRole('button', { name: 'Add to queue' }).click();
  await expect(page.getByTestId('extend-error')).toHaveText('Write what happens next.');
  await expect(form.getByLabel('What happens next')).toHaveAttribute('aria-invalid', 'true');
  expect(backendCalls(sim, EXTEND_PATH)).toHaveLength(0);

  await form.getByLabel('15 s').check();
  await form.getByLabel('What happens next').fill('The boat drifts into a storm drain');
  await form.getByLabel('What happens next').press('Control+Enter');
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('history-notice')).toHaveText(/The extension is in the queue/);

  // In the Queue like any job, saying what it extends.
  await page.getByRole('tab', { name: /^Queue/ }).click();
  const row = page.locator('[data-testid="job-row"][data-kind="extend"]');
  await expect(row).toBeVisible();
  await expect(row).toContainText('Extension');
  await expect(row.getByTestId('job-extends')).toHaveText('Extends “A paper boat on a puddle” by 15 s');
  await expect.poll(() => backendCalls(sim, EXTEND_PATH).length).toBe(1);
  await expect(row).toHaveAttribute('data-state', 'running', { timeout: 20_000 });
  sim.clock.advance(30_000);
  await expect(row.getByRole('progressbar')).toHaveAttribute('value', /0\.\d+/, { timeout: 20_000 });
  sim.clock.advance(10 * 60_000);
  await expect(row).toHaveAttribute('data-state', 'done', { timeout: 30_000 });

  // In History: an extension, linked to its source (and the source lists it).
  await openHistory(page);
  await expect(page.getByTestId('history-count')).toHaveText('2 items');
  const ext = page.getByTestId('history-row').first();
  await expect(ext).toContainText('The boat drifts into a storm drain');
  await expect(ext).toContainText('Extension');
  await ext.click();
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('history-extended-from')).toContainText('Extension of');
  await page.getByRole('button', { name: 'Open the video this extends: A paper boat on a puddle' }).click();
  await expect(page.getByTestId('history-dialog-prompt')).toHaveText('A paper boat on a puddle');
  await expect(page.getByTestId('history-extensions')).toContainText('The boat drifts into a storm drain');

  // Exactly one extension request, with the sentinel, for the source the user picked.
  const calls = backendCalls(sim, EXTEND_PATH);
  expect(calls).toHaveLength(1);
  const sourceGen = sim.control.state().videoTasks.find((t) => t.source === 'create')?.generationId;
  expect(calls[0]?.path).toBe(`/backend/project_y/profile/drafts/${sourceGen}/long_video_extension`);
  expect(calls[0]?.body).toMatchObject({ extension_duration_s: 15, enable_rewrite: true });
  expect(calls[0]?.sentinel).toBeTruthy();
  // Sora stored its own wording: the draft does not carry the user's text verbatim.
  const task = sim.control.state().videoTasks.find((t) => t.source === 'extension');
  expect(task?.prompt).not.toBe('The boat drifts into a storm drain');
  expect(task?.n_frames).toBe(300 + 15 * 30);
});
