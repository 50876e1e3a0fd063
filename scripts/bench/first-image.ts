// Time from "open study" to every image of a 2-image CR study on screen, in headless Chromium
// against the real services: cold (fresh page, empty caches) and warm (study opened again).
import { chromium } from 'playwright-core';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startBridge } from '../../test/e2e/bridge/server';
import { chromiumArgs } from '../../test/e2e/helpers/chromium';
import { median } from './stats';

const ROOT = resolve(import.meta.dirname, '../..');
const RUNS = 7;

export async function benchFirstImage(): Promise<Record<string, string>> {
  // The NEMA chest in JPEG 2000 and JPEG-LS: one CR study with two images.
  const dir = mkdtempSync(join(tmpdir(), 'lightbox-bench-study-'));
  copyFileSync(join(ROOT, 'samples/cxr/nema-wg04_RG1_J2KI.dcm'), join(dir, 'a.dcm'));
  copyFileSync(join(ROOT, 'test/fixtures/dicom/nema-wg04_RG1_JLSN.dcm'), join(dir, 'b.dcm'));
  // A chosen role, so that the first-start role dialog does not cover the worklist.
  const bridge = await startBridge({
    samplesDir: null,
    profile: { displayName: 'Bench Reader', role: 'radiologist' },
  });
  await bridge.library.importPaths([dir]);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
  const cold: number[] = [];
  const warm: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
      const page = await context.newPage();
      await page.goto(bridge.url);
      const row = page.getByTestId('study-row').first();
      await row.waitFor();
      const open = async (): Promise<number> => {
        const t = Date.now();
        await row.click();
        await page
          .locator('[data-testid="viewport"][data-rendered="true"]')
          .nth(1)
          .waitFor({ timeout: 60_000 });
        return Date.now() - t;
      };
      cold.push(await open());
      await page.getByRole('button', { name: '← Worklist' }).click();
      warm.push(await open());
      await context.close();
    }
  } finally {
    await browser.close();
    await bridge.close();
  }
  const fmt = (xs: number[]) =>
    `${median(xs)} ms median of ${xs.length} (min ${Math.min(...xs)}, max ${Math.max(...xs)})`;
  return {
    study: '2 CR images, 1841x1955, 15-bit MONOCHROME1 (JPEG 2000 + JPEG-LS near-lossless)',
    'open study -> both images drawn, cold (new page)': fmt(cold),
    'open study -> both images drawn, warm (reopened)': fmt(warm),
  };
}
