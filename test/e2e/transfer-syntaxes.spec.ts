/// <reference lib="dom" />
// Every transfer syntax a CR/DX film arrives in must decode to the same picture: the lossless
// transcodes of the Barré chest (six by DCMTK, one HTJ2K) share one series with the original and
// must look exactly like it.
import { expect, test } from '@playwright/test';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/paths';
import { importSamples, openApp, type AppPage } from './helpers/app-page';
import { samplesCopy, tempDir } from './helpers/fixture-dirs';
import { barreAsHtj2k } from '../helpers/htj2k';
import { difference, shoot, viewport, type Shot } from './helpers/viewport-pixels';

test.describe.configure({ mode: 'serial' });

const DEFLATED = '1.2.840.10008.1.2.1.99';
let app: AppPage;
/** Transfer syntax UID -> how its image came out. */
const outcome = new Map<string, 'same' | 'different' | 'error'>();

const BARRE_UID = '1.2.392.200036.9125.0.199302241758.16';

/** The six DCMTK transcodes, plus an HTJ2K one (no DCMTK writes HTJ2K) in the same series. */
async function transcodes(): Promise<string> {
  const dir = join(tempDir(), 'transcodes');
  mkdirSync(dir);
  const derived = join(FIXTURES, 'dicom/derived');
  for (const f of readdirSync(derived)) copyFileSync(join(derived, f), join(dir, f));
  const header = [
    { tag: 0x00080018, vr: 'UI', value: '2.25.1432000000000000000000000000000001' },
    { tag: 0x00080050, vr: 'SH', value: 'FUJI95714' },
    { tag: 0x00100010, vr: 'PN', value: 'Anonymized' },
    { tag: 0x00185101, vr: 'CS', value: 'PA' },
    { tag: 0x0020000d, vr: 'UI', value: BARRE_UID },
    { tag: 0x0020000e, vr: 'UI', value: BARRE_UID },
  ];
  writeFileSync(join(dir, 'barre_chest_HTJ2K.dcm'), await barreAsHtj2k('1.2.840.10008.1.2.4.201', header));
  return dir;
}

test.beforeAll(async ({ browser }) => {
  app = await openApp(browser, { samplesDir: samplesCopy(), pickPaths: [await transcodes()] });
});

test.afterAll(async () => {
  await app.close();
});

test('the lossless transcodes render exactly like the original', async () => {
  const { page } = app;
  await importSamples(page, 4);
  await page.getByRole('button', { name: 'Open folder…' }).click();
  await expect(page.getByRole('status')).toContainText('7 added');
  const syntaxes = await page.evaluate(async () => {
    const [summary] = await window.lightbox.invoke('studies:list', { search: 'Anonymized' });
    const study = await window.lightbox.invoke('studies:get', { studyId: summary?.id ?? '' });
    return study.series.flatMap((s) => s.instances.map((i) => i.transferSyntaxUid));
  });
  expect(syntaxes).toHaveLength(8);
  expect(syntaxes).toContain('1.2.840.10008.1.2.4.201');
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
