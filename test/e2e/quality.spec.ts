// The model-quality view against a library seeded with hand-built feedback records (the numbers are
// worked out in test/main/services/feedback/quality/quality-records.ts and model-quality.test.ts).
import { expect, test, type Locator } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { seedQualityLibrary } from '../main/services/feedback/quality/quality-records';
import { openApp, type AppPage } from './helpers/app-page';
import { tempDir } from './helpers/fixture-dirs';

test.describe.configure({ mode: 'serial' });

let app: AppPage;

test.beforeAll(async ({ browser }) => {
  const userDataDir = tempDir();
  await seedQualityLibrary(userDataDir);
  app = await openApp(browser, { userDataDir, samplesDir: null });
});

test.afterAll(async () => {
  expect(app.problems).toEqual([]);
  await app.close();
});

const attr = async (locator: Locator, name: string) => Number(await locator.getAttribute(name));

test('the header opens the model-quality table, one row per model version', async () => {
  const { page } = app;
  await page.getByRole('button', { name: 'Model quality' }).click();
  const view = page.getByRole('dialog', { name: 'Model quality' });
  await expect(view).toBeVisible();
  const rows = view.getByTestId('quality-row');
  await expect(rows).toHaveCount(3);
  const cells = (n: number) => rows.nth(n).getByRole('cell').allTextContents();
  expect(await cells(0)).toEqual([
    'lightbox-demo',
    '1.0.0',
    '2',
    '3',
    '0',
    '1',
    '1',
    '1.000',
    '0.667',
    '0.583',
    '1.0',
    '0.667',
  ]);
  expect(await cells(1)).toEqual([
    'research,"beta"',
    '0.1',
    '1',
    '1',
    '0',
    '0',
    '0',
    '—',
    '—',
    '1.000',
    '0.0',
    '1.000',
  ]);
  expect(await cells(2)).toEqual([
    'lightbox-demo',
    '2.0.0',
    '1',
    '0',
    '1',
    '0',
    '0',
    '0.500',
    '0.500',
    '0.600',
    '1.0',
    '1.000',
  ]);
});

test('the stacked bars split each version into its shares of finding actions', async () => {
  const bars = app.page.getByTestId('action-bar');
  await expect(bars).toHaveCount(3);
  const bar = (model: string) => app.page.locator(`[data-testid="action-bar"][data-model='${model}']`);
  const segments = bar('lightbox-demo 1.0.0').getByTestId('action-segment');
  await expect(segments).toHaveCount(3);
  const shares = await segments.evaluateAll((els) =>
    els.map((e) => [e.getAttribute('data-action'), e.getAttribute('data-share')]),
  );
  expect(shares).toEqual([
    ['accepted', '0.6000'],
    ['rejected', '0.2000'],
    ['added', '0.2000'],
  ]);
  // Contiguous, and as wide as their shares.
  const [a, r, d] = [segments.nth(0), segments.nth(1), segments.nth(2)];
  expect(await attr(r, 'x')).toBeCloseTo((await attr(a, 'x')) + (await attr(a, 'width')), 6);
  expect(await attr(d, 'x')).toBeCloseTo((await attr(r, 'x')) + (await attr(r, 'width')), 6);
  expect(await attr(a, 'width')).toBeCloseTo(3 * (await attr(r, 'width')), 6);
  for (const [model, action] of [
    ['research,"beta" 0.1', 'accepted'],
    ['lightbox-demo 2.0.0', 'edited'],
  ]) {
    const only = bar(model!).getByTestId('action-segment');
    await expect(only).toHaveCount(1);
    await expect(only).toHaveAttribute('data-action', action!);
    await expect(only).toHaveAttribute('data-share', '1.0000');
  }
});

test('the trend plots have one point per draft, in time order, at its value', async () => {
  const points = async (metric: string) =>
    app.page
      .getByTestId(`trend-${metric}`)
      .getByTestId('trend-point')
      .evaluateAll((els) =>
        els.map((e) => ({
          record: e.getAttribute('data-record'),
          value: e.getAttribute('data-value'),
          cx: Number(e.getAttribute('cx')),
          cy: Number(e.getAttribute('cy')),
        })),
      );
  // The draft without boxes on either side has no grounding reward, and the caption says so.
  await expect(app.page.getByText('(not shown: 1 draft without boxes on either side)')).toBeVisible();
  const reward = await points('groundingReward');
  expect(reward.map((p) => [p.record, p.value])).toEqual([
    ['0000000000000001', '1.0000'],
    ['0000000000000002', '0.3333'],
    ['0000000000000003', '0.5000'],
  ]);
  const gleu = await points('gleu');
  expect(gleu.map((p) => [p.record, p.value])).toEqual([
    ['0000000000000001', '1.0000'],
    ['0000000000000002', '0.1667'],
    ['0000000000000004', '1.0000'],
    ['0000000000000003', '0.6000'],
  ]);
  for (const series of [reward, gleu]) {
    const xs = series.map((p) => p.cx);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(new Set(xs).size).toBe(xs.length);
  }
  // Higher values sit higher (smaller y); equal values at the same height.
  expect(reward[0]!.cy).toBeLessThan(reward[2]!.cy);
  expect(reward[2]!.cy).toBeLessThan(reward[1]!.cy);
  expect(gleu[0]!.cy).toBe(gleu[2]!.cy);
  await app.page.screenshot({ path: 'test-results/quality-view.png' });
});

test('Export CSV downloads the header and one row per model version', async () => {
  const { page } = app;
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^lightbox-model-quality-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8');
  expect(csv.split('\r\n')).toEqual([
    'model_id,model_version,records,accepted,edited,rejected,added,mean_box_iou,mean_grounding_reward,mean_gleu,mean_word_edit_distance,label_f1',
    'lightbox-demo,1.0.0,2,3,0,1,1,1.0000,0.6667,0.5833,1.00,0.6667',
    '"research,""beta""",0.1,1,1,0,0,0,,,1.0000,0.00,1.0000',
    'lightbox-demo,2.0.0,1,0,1,0,0,0.5000,0.5000,0.6000,1.00,1.0000',
    '',
  ]);
  await page.getByRole('dialog', { name: 'Model quality' }).getByRole('button', { name: 'Close' }).click();
  await expect(page.getByRole('dialog', { name: 'Model quality' })).toBeHidden();
});
