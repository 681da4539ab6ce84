/**
 * The batch journey through the side panel's Create and Queue views and the popup, against the simulator
 * over real HTTPS, with the shipped build. The sim clock runs fast (`speed`), so a 10 s video takes a
 * fraction of a second of Sora time; what remains is the engine's own polling rhythm.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { Sim } from '../sim/app';
import { backendCalls, expect, test } from './fixtures';

const MEDIA = path.resolve(import.meta.dirname, '../sim/media');
const EMAIL = 'ada@example.com';

/** Every create request the simulator received: videos (`/nf/create`) and images (`/video_gen`). */
function createCalls(sim: Sim) {
  return [...backendCalls(sim, '/backend/nf/create'), ...backendCalls(sim, '/backend/video_gen')].filter(
    (c) => c.method === 'POST',
  );
}

async function openCreate(open: () => Promise<Page>): Promise<Page> {
  const page = await open();
  await page.setViewportSize({ width: 360, height: 900 });
  await expect(page.getByRole('tab', { name: 'Create' })).toHaveAttribute('aria-selected', 'true');
  return page;
}

/** The panel is 360 px wide: nothing may make it scroll sideways. */
async function expectNoSideScroll(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
}

async function submit(page: Page, expected: RegExp | string) {
  await expect(page.getByTestId('create-summary')).toContainText(expected);
  await page.getByRole('button', { name: 'Add to queue' }).click();
  await expect(page.getByTestId('create-done')).toBeVisible();
}

async function showQueue(page: Page) {
  await page.getByRole('tab', { name: /^Queue/ }).click();
  await expect(page.getByTestId('queue-summary')).toBeVisible();
}

const count = (page: Page, group: 'running' | 'queued' | 'done' | 'failed') =>
  page.getByTestId(`count-${group}`).getAttribute('data-count').then(Number);

test.describe('side panel: Create → Queue', () => {
  test('a batch of 10 (variables, a start image, a remix, an image) completes with 10 results', async ({
    sim,
    extension,
  }) => {
    sim.control.setConfig({ speed: 40 });
    await extension.login(EMAIL);
    const page = await openCreate(extension.openSidePanel);
    const prompts = page.getByLabel('Prompts, one per line');

    // 1. Six typed lines, one with variables: seven videos, the count shown before anything is sent.
    await prompts.fill(
      [
        'a lighthouse in a storm',
        '',
        'a {red|blue} kite over the sea',
        'a fox in fresh snow 🦊',
        'قطة تقفز فوق الطاولة',
        'a paper boat on a rain puddle',
        'a train crossing a bridge at dawn',
      ].join('\n'),
    );
    await expect(page.getByTestId('create-expansion')).toHaveText('Variables turn 6 prompts into 7 jobs.');
    await submit(page, '7 videos will be queued');
    await expect(prompts).toHaveValue('');

    // 2. One video from a start image (file picker), previewed before it is sent.
    await prompts.fill('the cat in this picture wakes up');
    await page.locator('#create-start-image').setInputFiles(path.join(MEDIA, 'image.png'));
    await expect(page.getByRole('img', { name: 'Start image image.png' })).toBeVisible();
    await submit(page, '1 video will be queued');
    await expect(page.getByRole('button', { name: /Remove start image/ })).toHaveCount(0);

    // 3. A remix of a seeded public post, given as its share link.
    const target = sim.state.seededPostIds[0] as string;
    await prompts.fill('the same scene, but underwater');
    await page.getByLabel('Remix of (optional)').fill(`https://sora.chatgpt.com/p/${target}`);
    await submit(page, '1 remix will be queued');

    // 4. An image.
    await page.getByRole('radio', { name: 'Image' }).check();
    await page.getByLabel('Image size').selectOption('landscape');
    await prompts.fill('a lemon on a marble table');
    await submit(page, '1 image will be queued');

    // The Queue: every job done, each with a result.
    await page.getByRole('button', { name: 'Open the Queue' }).click();
    await expect(page.getByRole('tab', { name: /^Queue/ })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId('job-row')).toHaveCount(10);
    await expect.poll(() => count(page, 'done'), { timeout: 50_000 }).toBe(10);
    await expect(page.getByTestId('job-result')).toHaveCount(10);
    await expectNoSideScroll(page);
    expect(await count(page, 'failed')).toBe(0);
    await expect(page.getByTestId('job-row').filter({ hasText: 'a fox in fresh snow 🦊' })).toHaveCount(1);
    await expect(page.getByTestId('job-row').filter({ hasText: 'قطة تقفز فوق الطاولة' })).toHaveCount(1);

    // Exactly ten creates, never more tasks at once than the ceiling, and the right bodies.
    const creates = createCalls(sim);
    expect(creates).toHaveLength(10);
    expect(creates.every((c) => c.status === 200)).toBe(true);
    expect(sim.control.stats().maxConcurrentObserved).toBeLessThanOrEqual(3);
    const bodies = creates.map((c) => c.body as Record<string, unknown>);
    const uploads = backendCalls(sim, '/backend/uploads');
    expect(uploads).toHaveLength(1);
    const fromImage = bodies.find((b) => b.prompt === 'the cat in this picture wakes up');
    expect(fromImage?.inpaint_items).toEqual([
      { kind: 'upload', upload_id: expect.stringMatching(/^upload_/) },
    ]);
    const remix = bodies.find((b) => b.prompt === 'the same scene, but underwater');
    expect(remix?.remix_target_id).toBe(target);
    const image = bodies.find((b) => b.prompt === 'a lemon on a marble table');
    expect(image).toMatchObject({ type: 'image_gen', width: 540, height: 360 });
    expect(bodies.map((b) => b.prompt).sort()).toEqual(
      [
        'a lighthouse in a storm',
        'a red kite over the sea',
        'a blue kite over the sea',
        'a fox in fresh snow 🦊',
        'قطة تقفز فوق الطاولة',
        'a paper boat on a rain puddle',
        'a train crossing a bridge at dawn',
        'the cat in this picture wakes up',
        'the same scene, but underwater',
        'a lemon on a marble table',
      ].sort(),
    );
  });

  test('invalid input is refused in the form and sends nothing', async ({ sim, extension }) => {
    await extension.login(EMAIL); // a Plus account: no Pro options
    const page = await openCreate(extension.openSidePanel);
    const prompts = page.getByLabel('Prompts, one per line');
    const addToQueue = page.getByRole('button', { name: 'Add to queue' });
    // The blocked button is aria-disabled (still focusable, so its reason can be reached); Playwright treats
    // that as disabled, so the clicks a user can still make are forced.
    const press = () => addToQueue.click({ force: true });
    const blocked = page.getByTestId('create-blocked');

    // Nothing written: the button says why, and pressing it only moves focus to the prompt.
    await expect(addToQueue).toHaveAttribute('aria-disabled', 'true');
    await expect(blocked).toHaveText('Can’t add yet: Write a prompt first.');
    await press();
    await expect(prompts).toBeFocused();
    await prompts.fill('   \n\t  ');
    await press();
    await expect(page.getByTestId('create-prompt-issues')).toHaveText('Write a prompt first.');

    // Pro-only choices are there, disabled, and say why.
    await expect(page.getByRole('option', { name: '25 s (Needs ChatGPT Pro)' })).toBeDisabled();
    await expect(page.getByRole('option', { name: 'Pro (sy_ore) (Needs ChatGPT Pro)' })).toBeDisabled();
    await expect(page.getByRole('option', { name: 'Large (Needs ChatGPT Pro)' })).toBeDisabled();

    // Too long, with the line.
    await prompts.fill(`fine\n${'x'.repeat(10_001)}`);
    await expect(page.getByTestId('create-prompt-issues')).toHaveText(
      'Line 2: The prompt is 10001 characters long; the limit is 10000.',
    );
    await press();

    // Variables over the cap: the count is shown, and refused.
    await prompts.fill(`a ${'{1|2}'.repeat(9)}`);
    await expect(page.getByTestId('create-summary')).toContainText('512 videos will be queued');
    await expect(blocked).toHaveText('Can’t add yet: This makes 512 jobs; one batch takes at most 500.');
    await press();

    // A remix target that is not a post.
    await prompts.fill('a good prompt');
    await page.getByLabel('Remix of (optional)').fill('s_123');
    await expect(page.getByTestId('create-remix-issues')).toContainText('Paste a Sora post id');
    await press();
    await expect(page.getByLabel('Remix of (optional)')).toBeFocused();
    await page.getByLabel('Remix of (optional)').fill('');

    // A video as the start image, with the reason; removing it makes the form valid again.
    await page.locator('#create-start-image').setInputFiles(path.join(MEDIA, 'video-noaudio.mp4'));
    await expect(page.getByTestId('create-start-issues')).toHaveText(
      '“video-noaudio.mp4” is a video. A start image must be a still picture: PNG, JPEG or WebP.',
    );
    await press();
    await page.getByRole('button', { name: 'Remove start image video-noaudio.mp4' }).click();

    // A CSV with broken quoting says where.
    await page.locator('#create-import').setInputFiles({
      name: 'broken.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('prompt,orientation\n"a cat",portrait\n"a dog,landscape\n'),
    });
    await expect(page.getByTestId('create-import-issues')).toHaveText(
      'broken.csv, line 3: a quoted field starts here but its closing quote (") is missing.',
    );
    await expectNoSideScroll(page);
    await press();
    await page.getByRole('button', { name: /Remove the prompts imported/ }).click();

    await expect(addToQueue).not.toHaveAttribute('aria-disabled', 'true');
    await expect(blocked).toHaveCount(0);
    // Nothing of the above reached Sora.
    expect(createCalls(sim)).toHaveLength(0);
    expect(backendCalls(sim, '/backend/uploads')).toHaveLength(0);
  });

  test('a Pro account may choose 25 s, the Pro model and the large size', async ({ sim, extension }) => {
    sim.control.upsertUser({ email: EMAIL, plan: 'pro' });
    await extension.login(EMAIL);
    const page = await openCreate(extension.openSidePanel);
    await expect(page.getByRole('option', { name: '25 s', exact: true })).toBeEnabled();
    await page.getByLabel('Length').selectOption('25');
    await page.getByLabel('Model').selectOption('sy_ore');
    await page.getByLabel('Size').selectOption('large');
    await page.getByLabel('Prompts, one per line').fill('a long pro shot of a glacier');
    await submit(page, '1 video will be queued');
    await expect.poll(() => createCalls(sim).length).toBe(1);
    expect(createCalls(sim)[0]?.body).toMatchObject({ n_frames: 750, model: 'sy_ore', size: 'large' });
  });

  test('an imported file with a policy violation: that job fails with the reason, the rest complete', async ({
    sim,
    extension,
  }) => {
    sim.control.setConfig({ speed: 40 });
    sim.control.setPolicy({ blocked: ['forbidden'] });
    await extension.login(EMAIL);
    const page = await openCreate(extension.openSidePanel);
    const csv = [
      'prompt,orientation,length,kind',
      '"a quiet harbour, at night",portrait,15,',
      '"a ""forbidden"" scene",,,',
      'a bowl of cherries,,,image',
    ].join('\r\n');
    await page.locator('#create-import').setInputFiles({
      name: 'batch.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await expect(page.getByTestId('import-status')).toHaveText('3 prompts from batch.csv');
    await submit(page, '3 jobs will be queued (Video 2 · Image 1)');
    await showQueue(page);
    await expect.poll(() => count(page, 'failed'), { timeout: 40_000 }).toBe(1);
    await expect.poll(() => count(page, 'done'), { timeout: 40_000 }).toBe(2);
    const failed = page.getByTestId('job-row').filter({ hasText: 'a "forbidden" scene' });
    await expect(failed).toHaveAttribute('data-state', 'failed');
    await expect(failed.getByTestId('job-error')).toHaveAttribute('data-error-code', 'policy_violation');
    await expect(failed.getByTestId('job-error')).toContainText('Sora refused this content:');
    await expect(failed.getByRole('button', { name: 'Retry “a "forbidden" scene”' })).toBeVisible();
    const harbour = createCalls(sim).find((c) => (c.body as { prompt?: string }).prompt?.includes('harbour'));
    expect(harbour?.body).toMatchObject({ orientation: 'portrait', n_frames: 450 });
  });
});
