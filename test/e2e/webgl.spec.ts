// Headless Chromium has software WebGL (SwiftShader): the app prefers its CPU path there, and
// the WebGL path, which Electron uses on real GPUs, still renders when forced.
import { expect, test } from '@playwright/test';
import { backendText, showNemaAndInvert } from './helpers/backend-checks';
import { samplesCopy } from './helpers/fixture-dirs';
import { openApp } from './helpers/app-page';

test('software WebGL is not used by default: the CPU path is faster than emulated WebGL', async ({
  browser,
}) => {
  const app = await openApp(browser, { samplesDir: samplesCopy() });
  expect(await backendText(app)).toBe('CPU (WebGL is software-emulated)');
  expect(app.problems).toEqual([]);
  await app.close();
});

test('the WebGL path renders when asked to (?render=gpu)', async ({ browser }) => {
  const app = await openApp(browser, { samplesDir: samplesCopy() }, '?render=gpu');
  await showNemaAndInvert(app);
  await app.page.screenshot({ path: 'test-results/viewer-webgl.png' });
  expect(await backendText(app)).toBe('GPU (forced by ?render=gpu)');
  expect(app.problems).toEqual([]);
  await app.close();
});
