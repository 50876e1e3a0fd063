// Without WebGL at all (no GPU process, or a blocked driver) the viewer falls back to the CPU path.
import { expect, test } from '@playwright/test';
import { backendText, showNemaAndInvert } from './helpers/backend-checks';
import { chromiumArgs, chromiumLaunch } from './helpers/chromium';
import { samplesCopy } from './helpers/fixture-dirs';
import { openApp } from './helpers/app-page';

test.use({ launchOptions: { ...chromiumLaunch, args: [...chromiumArgs, '--disable-3d-apis'] } });

test('falls back to CPU rendering and shows it in the settings', async ({ browser }) => {
  const app = await openApp(browser, { samplesDir: samplesCopy() });
  await showNemaAndInvert(app);
  expect(await backendText(app)).toBe('CPU (WebGL is not available)');
  expect(app.problems).toEqual([]);
  await app.close();
});
