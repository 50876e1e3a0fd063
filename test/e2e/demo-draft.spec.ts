// Issue 5's promise in the app: the default demo pack (models/lightbox-demo, the repository's own) drafts
// the cardiomegaly demo study, and the box it draws over the image lies where the study's ground truth
// (its .truth.json sidecar) says the finding is. test/cli/draft-demo.test.ts checks the boxes of three demo
// studies against their truth through `lightbox draft`.
import { expect, test, type Page } from '@playwright/test';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, SAMPLES } from '../helpers/paths';
import { importSamples, openApp, type AppPage } from './helpers/app-page';
import { tempDir } from './helpers/fixture-dirs';
import { boxOnPage, canvasRect, elementRect, type Rect } from './helpers/image-geometry';
import { reportPanel } from './helpers/report-panel';
import { expectRendered } from './helpers/viewport-pixels';

const STUDY = 'demo-02-cardiomegaly.dcm';

let app: AppPage;
let page: Page;

test.beforeAll(async ({ browser }) => {
  const samples = join(tempDir(), 'samples');
  mkdirSync(samples);
  copyFileSync(join(SAMPLES, 'demo', STUDY), join(samples, STUDY));
  app = await openApp(browser, { samplesDir: samples, modelsDir: join(ROOT, 'models') });
  page = app.page;
  await importSamples(page, 1);
});

test.afterAll(async () => {
  expect(app?.problems ?? []).toEqual([]);
  await app?.close();
});

/** Intersection over union of two rectangles. */
function overlap(a: Rect, b: Rect): number {
  const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  return (w * h) / (a.width * a.height + b.width * b.height - w * h);
}

test('the demo model drafts cardiomegaly and draws its box over the enlarged heart', async () => {
  test.setTimeout(120_000);
  await page.getByTestId('study-row').first().click();
  await expectRendered(page, 0);
  const panel = reportPanel(page);
  await panel.getByRole('button', { name: 'Draft' }).click();
  await expect(panel.getByTestId('intended-use')).toHaveText('Demo model — not for clinical use');
  await expect(panel).toHaveAttribute('data-running', 'false', { timeout: 90_000 });
  await expect(panel).toContainText('The heart is enlarged.');

  const truth = JSON.parse(readFileSync(join(SAMPLES, 'demo', `${STUDY}.truth.json`), 'utf8')) as {
    width: number;
    height: number;
    findings: { label: string; box: [number, number, number, number] }[];
  };
  expect(truth.findings.map((f) => f.label)).toEqual(['cardiomegaly']);
  const [x, y, width, height] = truth.findings[0]!.box;
  const want = boxOnPage(await canvasRect(page), truth, { x, y, width, height }, { rotation: 0 });
  const drawn = page.getByTestId('finding-box').locator('polygon.box-line');
  await expect(drawn).toHaveCount(1);
  const got = await elementRect(drawn.first());
  expect(overlap(got, want), JSON.stringify({ got, want })).toBeGreaterThan(0.7);
});
