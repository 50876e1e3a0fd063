/// <reference lib="dom" />
// Every transfer syntax a CR/DX film arrives in must decode to the same picture: the six lossless
// transcodes of the Barré chest share one series with the original and must look exactly like it.
import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/paths';
import { importSamples, openApp, type AppPage } from './helpers/app-page';
import { samplesCopy } from './helpers/fixture-dirs';
import { difference, shoot, viewport, type Shot } from './helpers/viewport-pixels';

test.describe.configure({ mode: 'serial' });

const DEFLATED = '1.2.840.10008.1.2.1.99';
let app: AppPage;
/** Transfer syntax UID -> how its image came out. */
const outcome = new Map<string, 'same' | 'different' | 'error'>();

test.beforeAll(async ({ browser }) => {
  app = await openApp(browser, { samplesDir: samplesCopy(), pickPaths: [join(FIXTURES, 'dicom/derived')] });
});

test.afterAll(async () => {
  await app.close();
});

test('the lossless transcodes render exactly like the original', async () => {
  const { page } = app;
  await importSamples(page, 4);
  await page.getByRole('button', { name: 'Open folder…' }).click();
  await expect(page.getByRole('status')).toContainText('6 added');
  const syntaxes = await page.evaluate(async () => {
    const [summary] = await window.lightbox.invoke('studies:list', { search: 'Anonymized' });
    const study = await window.lightbox.invoke('studies:get', { studyId: summary?.id ?? '' });
    return study.series.flatMap((s) => s.instances.map((i) => i.transferSyntaxUid));
  });
  expect(syntaxes).toHaveLength(7);
  await page.getByTestId('study-row').filter({ hasText: 'Anonymized' }).click();
  const pane = viewport(page, 0);
  for (let i = 0; i < syntaxes.length; i++) await page.keyboard.press('ArrowUp');
  let reference: Shot | null = null;
  for (const [index, syntax] of syntaxes.entries()) {
    if (index > 0) await page.keyboard.press('ArrowDown');
    const shown = async () => {
      if ((await pane.getAttribute('data-error-index')) === String(index)) return 'error';
      const ok =
        (await pane.getAttribute('data-image-index')) === String(index) &&
        (await pane.getAttribute('data-rendered')) === 'true';
      return ok ? 'ok' : 'waiting';
    };
    await expect.poll(shown).not.toBe('waiting');
    if ((await shown()) === 'error') {
      outcome.set(syntax, 'error');
      continue;
    }
    const shot = await shoot(page, 0);
    reference ??= shot;
    outcome.set(syntax, difference(reference, shot) < 0.5 ? 'same' : 'different');
  }
  // Deflated files reach the loader inflated (the image protocol serves them as explicit VR LE).
  expect([...outcome]).toEqual(syntaxes.map((syntax) => [syntax, 'same']));
  expect(outcome.has(DEFLATED)).toBe(true);
  expect(app.problems).toEqual([]);
});
