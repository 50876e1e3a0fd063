// The burned-in-identifiers box in Chromium against the real services, on a demo study whose header says
// text is burned in: an annotator (role fixed by the site) cannot confirm the image clean but can
// withdraw a radiologist's confirmation; a radiologist's confirmation of a file that was swapped on disk
// since it was shown (same size, same mtime) is refused, the box shows the new file's state, and the
// new file is confirmed only once looked at again.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BurnedInState } from '../../src/shared/reading';
import { SAMPLES } from '../helpers/paths';
import { pinMtime, swapKeepingStat } from '../helpers/swap-file';
import { importSamples, openApp, type AppPage } from './helpers/app-page';
import { tempDir } from './helpers/fixture-dirs';
import { reportPanel } from './helpers/report-panel';
import { expectRendered } from './helpers/viewport-pixels';

const STUDY = 'demo-02-cardiomegaly.dcm';
const apps: AppPage[] = [];

test.afterEach(async () => {
  for (const app of apps.splice(0)) {
    expect(app.problems).toEqual([]);
    await app.close();
  }
});

/** The demo study, imported through the first-start offer and opened. */
async function openStudy(browser: Browser, options: Parameters<typeof openApp>[1] = {}) {
  const samples = join(tempDir(), 'samples');
  mkdirSync(samples);
  const file = join(samples, STUDY);
  copyFileSync(join(SAMPLES, 'demo', STUDY), file);
  pinMtime(file);
  const app = await openApp(browser, { samplesDir: samples, ...options });
  apps.push(app);
  await importSamples(app.page, 1);
  await app.page.getByTestId('study-row').first().click();
  await expectRendered(app.page, 0);
  const instanceId = app.bridge.library.repo.findByPath(file)!.id;
  return { app, page: app.page, file, instanceId };
}

const box = (page: Page) =>
  reportPanel(page).getByRole('checkbox', { name: 'No identifiers burned into this image' });
const stored = (page: Page, instanceId: string): Promise<BurnedInState> =>
  page.evaluate((id) => window.lightbox.invoke('images:burned-in', { instanceId: id }), instanceId);

test("an annotator cannot confirm an image clean, and can withdraw a radiologist's confirmation", async ({
  browser,
}) => {
  const { app, page, instanceId } = await openStudy(browser, {
    profile: undefined,
    siteConfig: { role: 'annotator' },
  });
  const section = reportPanel(page).getByTestId('burned-in');
  await expect(section).toHaveAttribute('data-annotation', 'YES');
  await expect(box(page)).toBeDisabled();
  await expect(box(page)).not.toBeChecked();
  await expect(section.getByTestId('burned-in-header')).toContainText('annotators cannot confirm it');
  // Main refuses it as well, whatever the page shows.
  await expect(
    page.evaluate(
      (id) => window.lightbox.invoke('images:confirm-clean', { instanceId: id, clean: true }),
      instanceId,
    ),
  ).rejects.toThrow(/Only a radiologist can confirm/);

  const { library } = app.bridge;
  library.feedback.confirmClean(
    library.repo.instance(instanceId)!.sha256,
    true,
    'r-00000000000000a1',
    new Date().toISOString(),
  );
  await page.reload();
  await page.getByTestId('study-row').first().click();
  await expect(box(page)).toBeChecked();
  await expect(box(page)).toBeEnabled();
  await box(page).uncheck();
  await expect.poll(async () => (await stored(page, instanceId)).confirmedClean).toBe(false);
  await expect(box(page)).not.toBeChecked();
  await expect(box(page)).toBeDisabled();
});

test('a confirmation of a file swapped on disk since it was shown is refused; the new file is confirmed when looked at again', async ({
  browser,
}) => {
  const { page, file, instanceId } = await openStudy(browser);
  await expect(box(page)).toBeEnabled();
  await expect(box(page)).not.toBeChecked();
  // Other pixels, as a different film with text in it would be; same size, mtime set back.
  const swapped = Uint8Array.from(readFileSync(file));
  swapped.fill(255, swapped.length - 440 * 40);
  swapKeepingStat(file, swapped);

  await box(page).check();
  const error = reportPanel(page).getByTestId('burned-in-error');
  await expect(error).toContainText(
    'The image file changed on disk after it was imported; it has been indexed again',
  );
  await expect(error).toContainText('Look at the image again before confirming it.');
  await expect(box(page)).not.toBeChecked();
  expect(await stored(page, instanceId)).toMatchObject({ confirmedClean: false, changed: false });

  await box(page).check();
  await expect(box(page)).toBeChecked();
  await expect(error).toHaveCount(0);
  expect(await stored(page, instanceId)).toMatchObject({ annotation: 'YES', confirmedClean: true });
});

test('a confirmed image swapped on disk shows unconfirmed when the study is opened again', async ({
  browser,
}) => {
  const { page, file, instanceId } = await openStudy(browser);
  await box(page).check();
  await expect.poll(async () => (await stored(page, instanceId)).confirmedClean).toBe(true);
  await page.getByRole('button', { name: '← Worklist' }).click();
  const swapped = Uint8Array.from(readFileSync(file));
  swapped.fill(255, swapped.length - 440 * 40);
  swapKeepingStat(file, swapped);

  await page.getByTestId('study-row').first().click();
  await expectRendered(page, 0);
  await expect(box(page)).not.toBeChecked();
  await expect(reportPanel(page).getByTestId('burned-in-header')).toContainText(
    'Training exports leave it out until a radiologist confirms it',
  );
  expect(await stored(page, instanceId)).toMatchObject({ confirmedClean: false, changed: false });
});
