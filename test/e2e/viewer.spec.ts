import { expect, test, type Page } from '@playwright/test';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { FAKE_MONO1, samplesCopy, tempDir, writeLateralCopy } from './helpers/fixture-dirs';
import { importSamples, openApp, type AppPage } from './helpers/app-page';
import { CENTRE, difference, expectRendered, meanOf, shoot, viewport } from './helpers/viewport-pixels';

test.describe.configure({ mode: 'serial' });

let app: AppPage;
let samplesDir: string;

const openStudy = async (page: Page, patient: string) => {
  const back = page.getByRole('button', { name: '← Worklist' });
  if (await back.isVisible()) await back.click();
  await page.getByTestId('study-row').filter({ hasText: patient }).click();
  await expectRendered(page, 0);
};

test.beforeAll(async ({ browser }) => {
  // The samples, the FAKE-MONOCHROME1 copy of the SIIM film and a lateral view of that film.
  samplesDir = samplesCopy([FAKE_MONO1, writeLateralCopy(tempDir())]);
  app = await openApp(browser, { samplesDir });
});

test.afterAll(async () => {
  expect(app.problems).toEqual([]);
  await app.close();
});

test('importing flags the FAKE copy as a duplicate SOP Instance UID', async () => {
  const { page } = app;
  await importSamples(page, 4);
  const report = page.getByRole('dialog', { name: 'Import report' });
  await expect(report.getByTestId('duplicates')).toContainText('FAKE-MONOCHROME1');
  await report.getByRole('button', { name: 'Close' }).click();
});

test('a study opens frontal first and lateral second, with a thumbnail per series', async () => {
  const { page } = app;
  await openStudy(page, '16d7f894');
  await expect(page.getByTestId('viewport')).toHaveCount(2);
  await expectRendered(page, 1);
  await expect(viewport(page, 0)).toContainText('PA');
  await expect(viewport(page, 0)).not.toContainText('LATERAL');
  await expect(viewport(page, 1)).toContainText('LATERAL');
  await expect(page.getByTestId('thumbnail')).toHaveCount(2);
  await expect(viewport(page, 0)).toHaveAttribute('data-active', 'true');
  await page.screenshot({ path: 'test-results/viewer-frontal-lateral.png' });
});

test('dragging with the left button changes window/level and the pixels', async () => {
  const { page } = app;
  const before = await shoot(page, 0);
  const windowBefore = await viewport(page, 0).getAttribute('data-window');
  const box = await viewport(page, 0).boundingBox();
  if (!box) throw new Error('viewport has no box');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 150, box.y + box.height / 2 + 100, { steps: 10 });
  await page.mouse.up();
  await expect(viewport(page, 0)).not.toHaveAttribute('data-window', windowBefore ?? '');
  await expect.poll(async () => difference(before, await shoot(page, 0))).toBeGreaterThan(5);
});

test('number keys apply the presets; z makes the left button zoom; arrows change the active viewport', async () => {
  const { page } = app;
  const pane = viewport(page, 0);
  const windows: string[] = [];
  for (const key of ['2', '3', '4', '5']) {
    await page.keyboard.press(key);
    await expect
      .poll(async () => windows.includes((await pane.getAttribute('data-window')) ?? ''))
      .toBe(false);
    windows.push((await pane.getAttribute('data-window')) ?? '');
  }
  // This film's header has no window, so 1 falls back to the full range, as 5 is.
  await page.keyboard.press('2');
  await page.keyboard.press('1');
  await expect(pane).toHaveAttribute('data-window', windows[3] ?? '');
  await page.keyboard.press('z');
  await expect(page.getByRole('button', { name: 'Zoom' })).toHaveAttribute('aria-pressed', 'true');
  const scale = await pane.getAttribute('data-scale');
  const box = await pane.boundingBox();
  if (!box) throw new Error('viewport has no box');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 + 120, { steps: 8 });
  await page.mouse.up();
  await expect(pane).not.toHaveAttribute('data-scale', scale ?? '');
  await page.keyboard.press('z');
  await expect(page.getByRole('button', { name: 'W/L' })).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('ArrowRight');
  await expect(viewport(page, 1)).toHaveAttribute('data-active', 'true');
  await page.keyboard.press('ArrowLeft');
  await expect(pane).toHaveAttribute('data-active', 'true');
});

test('i inverts the image', async () => {
  const { page } = app;
  await page.keyboard.press('Space');
  await expect(viewport(page, 0)).toHaveAttribute('data-invert', 'false');
  const before = meanOf(await shoot(page, 0), CENTRE);
  await page.keyboard.press('i');
  await expect(viewport(page, 0)).toHaveAttribute('data-invert', 'true');
  await expect.poll(async () => meanOf(await shoot(page, 0), CENTRE)).toBeCloseTo(255 - before, -1);
});

test('r and h rotate and flip; space restores the initial view', async () => {
  const { page } = app;
  await page.keyboard.press('Space');
  await expect(viewport(page, 0)).toHaveAttribute('data-invert', 'false');
  const initial = await shoot(page, 0);
  await page.keyboard.press('r');
  await expect(viewport(page, 0)).toHaveAttribute('data-rotation', '90');
  await expect.poll(async () => difference(initial, await shoot(page, 0))).toBeGreaterThan(5);
  await page.keyboard.press('h');
  await expect(viewport(page, 0)).toHaveAttribute('data-flip-h', 'true');
  await page.keyboard.press('Space');
  await expect(viewport(page, 0)).toHaveAttribute('data-rotation', '0');
  await expect(viewport(page, 0)).toHaveAttribute('data-flip-h', 'false');
  await expect.poll(async () => difference(initial, await shoot(page, 0))).toBeLessThan(1);
});

test('the FAKE-MONOCHROME1 file is shown as its header says, and the tag browser shows why', async () => {
  const { page } = app;
  await page.getByRole('button', { name: 'Tags' }).click();
  const tags = page.getByRole('complementary', { name: 'DICOM tags' });
  const photometric = tags
    .getByRole('row')
    .filter({ hasText: 'PhotometricInterpretation' })
    .getByRole('cell')
    .nth(3);
  const pane = viewport(page, 0);
  const means: Record<string, number> = {};
  await page.keyboard.press('ArrowUp');
  for (const index of ['0', '1']) {
    if (index === '1') await page.keyboard.press('ArrowDown');
    await expect(pane).toHaveAttribute('data-image-index', index);
    await expect(tags).toHaveAttribute(
      'data-instance-id',
      (await pane.getAttribute('data-instance-id')) ?? '-',
    );
    means[(await photometric.textContent()) ?? ''] = meanOf(await shoot(page, 0), CENTRE);
  }
  // Same pixels, opposite headers: the FAKE film is displayed inverted.
  expect(means.MONOCHROME1).toBeCloseTo(255 - (means.MONOCHROME2 ?? 0), -1);
  if ((await photometric.textContent()) !== 'MONOCHROME1') await page.keyboard.press('ArrowUp');
  await expect(photometric).toHaveText('MONOCHROME1');
  await expect(tags.getByTestId('tag-warnings')).toContainText(
    'PhotometricInterpretation is MONOCHROME1 here but MONOCHROME2',
  );
  await tags.getByRole('searchbox', { name: 'Filter tags' }).fill('photometric');
  await expect(tags.getByRole('row')).toHaveCount(2);
  await page.screenshot({ path: 'test-results/viewer-fake-monochrome1.png' });
  await page.getByRole('button', { name: 'Tags' }).click();
});

test('a MONOCHROME1 film shows bone white: the spine is brighter than the lungs', async () => {
  const { page } = app;
  await openStudy(page, 'Anonymized');
  await expect(page.getByTestId('viewport')).toHaveCount(1);
  const shot = await shoot(page, 0);
  const spine = meanOf(shot, { x0: 0.47, y0: 0.35, x1: 0.53, y1: 0.6 });
  const lung = meanOf(shot, { x0: 0.25, y0: 0.35, x1: 0.33, y1: 0.55 });
  expect(spine).toBeGreaterThan(lung + 40);
  await page.screenshot({ path: 'test-results/viewer-monochrome1.png' });
});

test('settings show the rendering backend', async () => {
  const { page } = app;
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByTestId('render-backend')).toHaveText(/^(GPU|CPU) \(/);
  await page.keyboard.press('Escape');
});

test('an image whose file has gone shows an error, not a blank viewport', async () => {
  const { page } = app;
  rmSync(join(samplesDir, 'nih-cxr14-google_DX_implicitLE.dcm'));
  await page.getByRole('button', { name: '← Worklist' }).click();
  await page.getByTestId('study-row').filter({ hasText: 'Covid0000' }).click();
  await expect(viewport(page, 0)).toContainText('Could not display this image');
  await expect(viewport(page, 0)).toHaveAttribute('data-rendered', 'false');
  // Cornerstone's loader leaves the failed request's own promise unhandled; the app reported it.
  app.problems.splice(
    0,
    app.problems.length,
    ...app.problems.filter((p) => p !== 'page error: XMLHttpRequest'),
  );
});
