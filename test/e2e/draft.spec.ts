// Drafting in the viewer, through the bridge and the real inference child process with the tiny golden
// pack (untrained: random text, no boxes): streaming, findings, provider, intended use, worklist status,
// the stored draft on reopening. Then a stored draft with known pixel boxes, put in the library as the
// draft service stores one, to check the overlay stays on the image pixels through zoom, rotation, flip.
import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../src/shared/draft';
import { startBridge, type Bridge } from './bridge/server';
import { E2E_READER } from './helpers/app-page';
import { SAMPLE_DIR, tempDir } from './helpers/fixture-dirs';
import { expectRendered, shoot, viewport, type Shot } from './helpers/viewport-pixels';
import { exportTinyPack } from '../helpers/tiny-pack';
import { NEMA_HEIGHT, NEMA_WIDTH, nemaDraft } from './helpers/stored-draft';

test.describe.configure({ mode: 'serial' });

const DRAFTED = 'Covid0000';
const BOXED = 'CompressedSamples';

let bridge: Bridge;
let page: Page;
const problems: string[] = [];

async function open(browser: Browser): Promise<void> {
  const samples = join(tempDir(), 'samples');
  mkdirSync(samples);
  for (const name of ['nih-cxr14-google_DX_implicitLE.dcm', 'nema-wg04_RG1_J2KI.dcm'])
    copyFileSync(join(SAMPLE_DIR, name), join(samples, name));
  const modelsDir = join(tempDir(), 'models');
  exportTinyPack(modelsDir);
  bridge = await startBridge({
    userDataDir: tempDir(),
    samplesDir: samples,
    modelsDir,
    draftLimits: { maxNewTokens: 24, groundingMaxNewTokens: 8 },
    profile: E2E_READER,
  });
  page = await browser.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(bridge.url);
  await page.getByRole('button', { name: 'Open sample studies' }).click();
  await page.getByTestId('study-row').nth(1).waitFor();
}

const openStudy = async (patient: string) => {
  const back = page.getByRole('button', { name: '← Worklist' });
  if (await back.isVisible()) await back.click();
  await page.getByTestId('study-row').filter({ hasText: patient }).click();
  await expectRendered(page, 0);
};

const panel = () => page.getByRole('complementary', { name: 'Report' });

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  await open(browser);
});

test.afterAll(async () => {
  expect(problems).toEqual([]);
  await page?.close();
  await bridge?.close();
});

let reportText = '';

test('Draft streams the report into the panel, then lists the findings', async () => {
  await openStudy(DRAFTED);
  await expect(panel()).toContainText('No draft yet');
  // Every text the report shows while the draft runs: several, if it streams.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { seenTexts: string[] }).seenTexts = seen;
    new MutationObserver(() => {
      const report = document.querySelector('.report-panel[data-running="true"] .report-text');
      const text = report?.textContent ?? '';
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await panel().getByRole('button', { name: 'Draft' }).click();
  await expect(panel()).toHaveAttribute('data-running', 'true');
  await expect(panel().getByTestId('intended-use')).toHaveText('Demo model — not for clinical use');
  await expect(panel()).toHaveAttribute('data-running', 'false', { timeout: 60_000 });
  await expect(panel().getByTestId('draft-error')).toHaveCount(0);
  const seen = await page.evaluate(() => (window as unknown as { seenTexts: string[] }).seenTexts);
  expect(seen.length).toBeGreaterThan(1);
  reportText = (await panel().getByTestId('report-text').textContent()) ?? '';
  expect(reportText.length).toBeGreaterThan(0);
  await expect(panel().getByTestId('finding').first()).toBeVisible();
  await expect(panel().getByTestId('draft-provider')).toContainText('cpu');
  await expect(panel().getByTestId('draft-model')).toContainText('tiny');
  await expect(panel().getByTestId('intended-use')).toHaveText('Demo model — not for clinical use');
});

test('the study is drafted in the worklist, and reopening it shows the stored draft', async () => {
  const findings = await panel().getByTestId('finding').count();
  await page.getByRole('button', { name: '← Worklist' }).click();
  await expect(page.getByTestId('study-row').filter({ hasText: DRAFTED })).toContainText('drafted');
  await openStudy(DRAFTED);
  await expect(panel().getByTestId('report-text')).toHaveText(reportText);
  await expect(panel().getByTestId('finding')).toHaveCount(findings);
  await expect(panel().getByTestId('draft-provider')).toContainText('cpu');
  await expect(panel().getByTestId('intended-use')).toHaveText('Demo model — not for clinical use');
});

test('the hotkey d drafts again', async () => {
  await page.keyboard.press('d');
  await expect(panel()).toHaveAttribute('data-running', 'true');
  await expect(panel()).toHaveAttribute('data-running', 'false', { timeout: 60_000 });
  await expect(panel().getByTestId('report-text')).toHaveText(reportText);
});

// The NEMA chest: 1841 columns x 1955 rows, so a quarter turn is not a square's.
const WIDTH = NEMA_WIDTH;
const HEIGHT = NEMA_HEIGHT;
const finding = (text: string, boxes: Finding['boxes'], dropped: Finding['dropped'] = []): Finding => ({
  text,
  status: boxes.length > 0 || dropped.length > 0 ? 'abnormal' : 'normal',
  boxes,
  box_source: 'model',
  dropped,
  grounding: null,
});
const FINDINGS: Finding[] = [
  finding('Right upper lobe opacity.', [
    { x: 300, y: 250, width: 500, height: 400 },
    { x: 1200, y: 1400, width: 300, height: 200 },
  ]),
  finding('The heart is normal in size.', []),
  finding(
    'Left basal effusion.',
    [{ x: 1000, y: 1100, width: 600, height: 500 }],
    [{ reason: 'x2 is less than x1', text: '[0.9, 0.1, 0.2, 0.3]' }],
  ),
];

type Rect = { x: number; y: number; width: number; height: number };
type View = { scale: number; rotation: 0 | 90; flip: boolean };

/** Where the image box lands on the page: fitted and centred, scaled, turned clockwise, mirrored. */
function expectedRect(canvas: Rect, box: Rect, view: View): Rect {
  const fit = Math.min(canvas.width / WIDTH, canvas.height / HEIGHT) * view.scale;
  const corners = [
    [box.x, box.y],
    [box.x + box.width, box.y + box.height],
  ].map(([x, y]) => {
    let dx = (x! - WIDTH / 2) * fit;
    let dy = (y! - HEIGHT / 2) * fit;
    if (view.rotation === 90) [dx, dy] = [-dy, dx];
    if (view.flip) dx = -dx;
    return [canvas.x + canvas.width / 2 + dx, canvas.y + canvas.height / 2 + dy];
  });
  const xs = corners.map((c) => c[0]!);
  const ys = corners.map((c) => c[1]!);
  return {
    x: Math.min(...xs),
    y: Math.min(...ys),
    width: Math.max(...xs) - Math.min(...xs),
    height: Math.max(...ys) - Math.min(...ys),
  };
}

/** A polygon's geometry on the page (Chromium's client rect of a shape pads it for miter joins). */
const outline = (polygon: Locator): Promise<Rect> =>
  polygon.evaluate((el: SVGGraphicsElement) => {
    const b = el.getBBox();
    const svg = el.ownerSVGElement!.getBoundingClientRect();
    return { x: svg.x + b.x, y: svg.y + b.y, width: b.width, height: b.height };
  });

async function expectBoxesAt(view: View): Promise<void> {
  const canvas = await viewport(page, 0).locator('canvas').first().boundingBox();
  if (!canvas) throw new Error('no canvas');
  const boxes = FINDINGS.flatMap((f) => f.boxes);
  const lines = page.getByTestId('finding-box').locator('polygon.box-line');
  await expect(lines).toHaveCount(boxes.length);
  for (const [i, box] of boxes.entries()) {
    const want = expectedRect(canvas, box, view);
    await expect
      .poll(
        async () => {
          const got = await outline(lines.nth(i));
          if (!got) return Infinity;
          return Math.max(
            Math.abs(got.x - want.x),
            Math.abs(got.y - want.y),
            Math.abs(got.width - want.width),
            Math.abs(got.height - want.height),
          );
        },
        `box ${i} at ${JSON.stringify(view)}`,
      )
      .toBeLessThan(2);
  }
}

/** The grey levels inside a page rectangle of the viewport's canvas. */
async function crop(shot: Shot, rect: Rect): Promise<{ w: number; h: number; gray: number[] }> {
  const canvas = await viewport(page, 0).locator('canvas').first().boundingBox();
  if (!canvas) throw new Error('no canvas');
  const k = shot.width / canvas.width;
  const x0 = Math.round((rect.x - canvas.x) * k);
  const y0 = Math.round((rect.y - canvas.y) * k);
  const w = Math.round(rect.width * k);
  const h = Math.round(rect.height * k);
  const gray: number[] = [];
  for (let y = y0; y < y0 + h; y++)
    for (let x = x0; x < x0 + w; x++) gray.push(shot.gray[y * shot.width + x]!);
  return { w, h, gray };
}

test('a stored draft draws its boxes on the image pixels through zoom, rotation and flip', async () => {
  const study = bridge.library.listStudies().find((s) => s.patientName.includes(BOXED))!;
  const image = bridge.library.getStudy(study.id).series[0]!.instances[0]!;
  expect([image.columns, image.rows]).toEqual([WIDTH, HEIGHT]);
  bridge.library.drafts.save('00000000000000b0', study.id, nemaDraft(image.sopInstanceUid, FINDINGS));

  await openStudy(BOXED);
  await expect(panel().getByTestId('intended-use')).toHaveText(
    'For research use — every finding must be checked by the reader',
  );
  await expect(panel().getByTestId('finding-box-count')).toHaveText(['2 boxes', '0 boxes', '1 box']);
  await expect(panel().getByTestId('finding').nth(2)).toContainText('x2 is less than x1');
  await expectBoxesAt({ scale: 1, rotation: 0, flip: false });
  await page.screenshot({ path: 'test-results/draft-boxes.png' });

  await page.keyboard.press('+');
  await expectBoxesAt({ scale: 1.25, rotation: 0, flip: false });

  // A quarter turn: the pixels under the box turn with it (checked on the screen, not only the geometry).
  await page.keyboard.press('Space');
  await expectBoxesAt({ scale: 1, rotation: 0, flip: false });
  const line = page.getByTestId('finding-box').first().locator('polygon.box-line');
  const before = await crop(await shoot(page, 0), await outline(line));
  await page.keyboard.press('r');
  await expect(viewport(page, 0)).toHaveAttribute('data-rotation', '90');
  await expectBoxesAt({ scale: 1, rotation: 90, flip: false });
  const after = await crop(await shoot(page, 0), await outline(line));
  expect(Math.abs(after.w - before.h)).toBeLessThanOrEqual(2);
  /** Mean grey difference of what is shown now and what was, read through `from`. */
  const mismatch = (from: (x: number, y: number) => number): number => {
    let sum = 0;
    let n = 0;
    for (let y = 2; y < Math.min(after.h, before.w) - 2; y++)
      for (let x = 2; x < Math.min(after.w, before.h) - 2; x++) {
        sum += Math.abs(after.gray[y * after.w + x]! - before.gray[from(x, y)]!);
        n++;
      }
    return sum / n;
  };
  // Clockwise: row y of what is shown now was column y of before, read bottom up.
  const turned = mismatch((x, y) => (before.h - 1 - x) * before.w + y);
  // Read as merely transposed, the same pixels disagree: the check can tell.
  const transposed = mismatch((x, y) => x * before.w + y);
  expect(turned).toBeLessThan(10);
  expect(transposed).toBeGreaterThan(2 * turned);

  await page.keyboard.press('Space');
  await page.keyboard.press('h');
  await expect(viewport(page, 0)).toHaveAttribute('data-flip-h', 'true');
  await expectBoxesAt({ scale: 1, rotation: 0, flip: true });
});

test('hovering a finding highlights its boxes, and hovering a box its finding', async () => {
  const boxes = page.getByTestId('finding-box');
  await panel().getByTestId('finding').first().hover();
  await expect(boxes.nth(0)).toHaveAttribute('data-highlighted', 'true');
  await expect(boxes.nth(1)).toHaveAttribute('data-highlighted', 'true');
  await expect(boxes.nth(2)).toHaveAttribute('data-highlighted', 'false');

  const edge = await outline(boxes.nth(2).locator('polygon.box-line'));
  await page.mouse.move(edge.x, edge.y + edge.height / 2);
  await expect(panel().getByTestId('finding').nth(2)).toHaveAttribute('data-highlighted', 'true');
  await expect(panel().getByTestId('finding').first()).toHaveAttribute('data-highlighted', 'false');
  await expect(boxes.nth(2)).toHaveAttribute('data-highlighted', 'true');
});
