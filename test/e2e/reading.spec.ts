// The reading workflow in Chromium against the real services: the role question on first start, a
// draft by the tiny golden pack becoming the reading, then on a stored draft with known boxes (the
// NEMA chest, 1841 x 1955): accept, edit (the model's sentence still there on demand), reject, a box
// moved by dragging on the image (also turned a quarter), a missed finding drawn, undo and redo, all of
// it still there after a reload, sign, the read-only report, an amendment as version 2, an edit
// refused because another window changed the reading first. Last, an annotator cannot sign, in the
// panel or by calling main directly.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../src/shared/draft';
import type { Reading } from '../../src/shared/reading';
import { startBridge, type Bridge } from './bridge/server';
import { SAMPLE_DIR, tempDir } from './helpers/fixture-dirs';
import * as geometry from './helpers/image-geometry';
import type { Point, Rect, View } from './helpers/image-geometry';
import * as report from './helpers/report-panel';
import { expectRendered, viewport } from './helpers/viewport-pixels';
import { exportTinyPack } from '../helpers/tiny-pack';
import { NEMA_HEIGHT, NEMA_WIDTH, nemaDraft } from './helpers/stored-draft';

test.describe.configure({ mode: 'serial' });

const DRAFTED = 'Covid0000';
const BOXED = 'CompressedSamples';
const WIDTH = NEMA_WIDTH;
const HEIGHT = NEMA_HEIGHT;

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
  // No profile: the app asks for one.
  bridge = await startBridge({
    userDataDir: tempDir(),
    samplesDir: samples,
    modelsDir,
    draftLimits: { maxNewTokens: 24, groundingMaxNewTokens: 8 },
  });
  page = await browser.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.text().includes('Content Security Policy')) problems.push(`CSP: ${m.text()}`);
  });
}

const panel = () => report.reportPanel(page);
const findings = () => report.findingItems(page);
const finding = (text: string | RegExp) => report.findingByText(page, text);

const openStudy = async (patient: string) => {
  const back = page.getByRole('button', { name: '← Worklist' });
  if (await back.isVisible()) await back.click();
  await page.getByTestId('study-row').filter({ hasText: patient }).click();
  await expectRendered(page, 0);
};

const stored = (studyId: string): Promise<Reading> => report.storedReading(page, studyId);

/** What main answers to a call: its value, or the message of its refusal. */
const invoke = (channel: string, args: unknown): Promise<{ ok: boolean; text: string }> =>
  page.evaluate(
    async ([c, a]) => {
      try {
        const value: unknown = await window.lightbox.invoke(
          c as 'reading:sign',
          a as { studyId: string; revision: number },
        );
        return { ok: true, text: JSON.stringify(value) };
      } catch (e) {
        return { ok: false, text: e instanceof Error ? e.message : String(e) };
      }
    },
    [channel, args] as const,
  );

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  await open(browser);
});

test.afterAll(async () => {
  expect(problems).toEqual([]);
  await page?.close();
  await bridge?.close();
});

test('first start asks who reads; the header then shows the role and name', async () => {
  await page.goto(bridge.url);
  const dialog = page.getByRole('dialog', { name: 'Who is reading?' });
  await expect(dialog).toBeVisible();
  // The question cannot be waved away.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Display name').fill('Dr Test');
  await dialog.getByLabel('Radiologist').check();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('reader-profile')).toHaveText('Radiologist Dr Test');
  await page.getByRole('button', { name: 'Open sample studies' }).click();
  await page.getByTestId('study-row').nth(1).waitFor();
});

test("a finished draft becomes the reading: the model's findings, marked as the model's", async () => {
  await openStudy(DRAFTED);
  await panel().getByRole('button', { name: 'Draft' }).click();
  await expect(panel()).toHaveAttribute('data-running', 'true');
  await expect(panel()).toHaveAttribute('data-running', 'false', { timeout: 60_000 });
  await expect(panel().getByTestId('draft-error')).toHaveCount(0);
  await expect(panel().getByTestId('intended-use')).toHaveText('Demo model — not for clinical use');
  const studyId = bridge.library.listStudies().find((s) => s.patientName.includes(DRAFTED))!.id;
  const draft = bridge.library.drafts.latest(studyId)!;
  await expect
    .poll(async () => (await stored(studyId)).findings.map((f) => f.text))
    .toEqual(draft.findings.map((f) => f.text));
  await expect(findings()).toHaveCount(draft.findings.length);
  await expect(panel().getByTestId('ai-badge')).toHaveCount(draft.findings.length);
  await expect(panel().getByTestId('reading')).toHaveAttribute('data-status', 'in-progress');
});

// The untrained tiny pack answers without a box: the reader sees why, and the reading is unchanged.
test('"Ground this" grounds the phrase selected in the impression, and says why there is no box', async () => {
  const studyId = bridge.library.listStudies().find((s) => s.patientName.includes(DRAFTED))!.id;
  const before = await stored(studyId);
  const impression = panel().getByTestId('impression');
  await impression.fill('Left lower lobe consolidation.');
  await impression.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(0, 15));
  await panel().getByRole('button', { name: 'Ground selection' }).click();
  const outcome = panel().getByTestId('ground-outcome');
  await expect(outcome).toContainText('Left lower lobe', { timeout: 30_000 });
  await expect(outcome).toContainText('The model found no box for this phrase.');
  await expect(outcome.getByRole('list', { name: 'Dropped boxes' }).getByRole('listitem')).not.toHaveCount(0);
  expect((await stored(studyId)).findings).toEqual(before.findings);
});

// ---- A stored draft with known boxes on the NEMA chest ----

const modelFinding = (text: string, boxes: Finding['boxes']): Finding => ({
  text,
  status: boxes.length > 0 ? 'abnormal' : 'normal',
  boxes,
  box_source: 'model',
  dropped: [],
  grounding: null,
});
const UPPER = 'Right upper lobe opacity.';
const HEART = 'The heart is normal in size.';
const EFFUSION = 'Left basal effusion.';
const UPPER_BOX = { x: 300, y: 250, width: 500, height: 400 };
const FINDINGS: Finding[] = [
  modelFinding(UPPER, [UPPER_BOX]),
  modelFinding(HEART, []),
  modelFinding(EFFUSION, [{ x: 1000, y: 1100, width: 600, height: 500 }]),
];

let boxedId = '';
const boxedReading = () => stored(boxedId);
const findingIn = (reading: Reading, text: string) => reading.findings.find((f) => f.text === text)!;

const NEMA = { width: WIDTH, height: HEIGHT };
const canvasRect = () => geometry.canvasRect(page);
const fit = (canvas: Rect): number => geometry.fitScale(canvas, NEMA);
const toPage = (canvas: Rect, point: Point, view: View) => geometry.imageToPage(canvas, NEMA, point, view);
const annotationRect = (boxId: string) => geometry.annotationRect(page, boxId);
const expectAnnotationAt = (boxId: string, box: Rect, view: View) =>
  geometry.expectAnnotationAt(page, NEMA, boxId, box, view);
const drag = (from: Point, to: Point) => geometry.drag(page, from, to);
const leavePanel = () => report.leavePanel(page);

test('the reading of a stored draft: accept, edit with the model text on demand, reject', async () => {
  const study = bridge.library.listStudies().find((s) => s.patientName.includes(BOXED))!;
  boxedId = study.id;
  const image = bridge.library.getStudy(study.id).series[0]!.instances[0]!;
  expect([image.columns, image.rows]).toEqual([WIDTH, HEIGHT]);
  bridge.library.drafts.save('00000000000000b0', study.id, nemaDraft(image.sopInstanceUid, FINDINGS));
  await openStudy(BOXED);
  // The impression typed in the other study was saved when it closed.
  const drafted = bridge.library.listStudies().find((s) => s.patientName.includes(DRAFTED))!.id;
  expect((await stored(drafted)).impression).toBe('Left lower lobe consolidation.');
  await expect(panel().getByTestId('intended-use')).toHaveText(
    'For research use — every finding must be checked by the reader',
  );
  await expect(findings()).toHaveCount(3);
  await expect(panel().getByTestId('ai-badge')).toHaveCount(3);
  await expect(page.getByTestId('finding-box')).toHaveCount(2);

  // Accept by key: select with a click, then a.
  await finding(UPPER).getByTestId('finding-text').click();
  await expect(finding(UPPER)).toHaveAttribute('data-selected', 'true');
  await page.keyboard.press('a');
  await expect(finding(UPPER)).toHaveAttribute('data-state', 'accepted');
  await expect(finding(UPPER).getByTestId('ai-badge')).toHaveCount(0);

  // Edit by keys: ↓ selects the next finding, e opens its text; Enter saves, and the model's sentence
  // stays one click away.
  const heart = findings().nth(1);
  await expect(heart.getByTestId('finding-text')).toHaveText(HEART);
  await page.keyboard.press('ArrowDown');
  await expect(heart).toHaveAttribute('data-selected', 'true');
  await page.keyboard.press('e');
  const editor = heart.getByRole('textbox', { name: 'Finding text' });
  await expect(editor).toBeFocused();
  await editor.fill('Mild cardiomegaly.');
  await editor.press('Enter');
  const edited = finding('Mild cardiomegaly.');
  await expect(edited).toHaveAttribute('data-state', 'edited');
  await expect(edited.getByTestId('model-text')).toBeHidden();
  await edited.getByText('Model text').click();
  await expect(edited.getByTestId('model-text')).toHaveText(HEART);

  // Reject by button: struck through.
  await finding(EFFUSION).getByRole('button', { name: 'Reject' }).click();
  await expect(finding(EFFUSION)).toHaveAttribute('data-state', 'rejected');
  await expect(finding(EFFUSION).getByTestId('finding-text')).toHaveCSS(
    'text-decoration-line',
    'line-through',
  );
  await expect(finding(EFFUSION).getByRole('button', { name: 'Restore' })).toBeVisible();

  const reading = await boxedReading();
  expect(reading.findings.map((f) => [f.state, f.text, f.modelText])).toEqual([
    ['accepted', UPPER, UPPER],
    ['edited', 'Mild cardiomegaly.', HEART],
    ['rejected', EFFUSION, EFFUSION],
  ]);
});

let upperBoxId = '';
let movedBox: Rect = UPPER_BOX;

test('in box editing a dragged box moves by the dragged distance in image pixels, also turned; it stays on its pixels zoomed and mirrored', async () => {
  upperBoxId = findingIn(await boxedReading(), UPPER).boxes[0]!.id;
  await leavePanel();
  await page.keyboard.press('b');
  await expect(viewport(page, 0)).toHaveAttribute('data-editing-boxes', 'true');
  await expect(panel().getByRole('button', { name: 'Edit boxes' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('box-overlay')).toHaveCount(0);
  await expectAnnotationAt(upperBoxId, UPPER_BOX, { rotation: 0 });
  await page.screenshot({ path: 'test-results/reading-edit-boxes.png' });

  // Grab the left edge in its middle (corners resize) and drag 60 px right, 30 px down.
  const canvas = await canvasRect();
  const k = fit(canvas);
  const start = toPage(canvas, [UPPER_BOX.x, UPPER_BOX.y + UPPER_BOX.height / 2], { rotation: 0 });
  await drag(start, [start[0] + 60, start[1] + 30]);
  movedBox = { ...UPPER_BOX, x: UPPER_BOX.x + 60 / k, y: UPPER_BOX.y + 30 / k };
  await expect
    .poll(async () => {
      const box = findingIn(await boxedReading(), UPPER).boxes[0]!;
      return Math.max(
        Math.abs(box.x - movedBox.x),
        Math.abs(box.y - movedBox.y),
        Math.abs(box.width - movedBox.width),
        Math.abs(box.height - movedBox.height),
      );
    })
    .toBeLessThan(1.5);
  movedBox = findingIn(await boxedReading(), UPPER).boxes[0]!;
  expect(movedBox.width).toBeCloseTo(UPPER_BOX.width, 1);
  await expectAnnotationAt(upperBoxId, movedBox, { rotation: 0 });

  // A quarter turn: the box turns with the image, and a drag to the right is a move up the image.
  await leavePanel();
  await page.keyboard.press('r');
  await expect(viewport(page, 0)).toHaveAttribute('data-rotation', '90');
  await expectAnnotationAt(upperBoxId, movedBox, { rotation: 90 });
  const turned = await canvasRect();
  const edge = toPage(turned, [movedBox.x + movedBox.width / 2, movedBox.y + movedBox.height], {
    rotation: 90,
  });
  await drag(edge, [edge[0] + 40, edge[1]]);
  const before = movedBox;
  await expect
    .poll(async () => findingIn(await boxedReading(), UPPER).boxes[0]!.y)
    .toBeCloseTo(before.y - 40 / fit(turned), 0);
  movedBox = findingIn(await boxedReading(), UPPER).boxes[0]!;
  expect(movedBox.x).toBeCloseTo(before.x, 1);
  // Zoomed and mirrored, the box stays on the same pixels.
  await page.keyboard.press('Space');
  await expect(viewport(page, 0)).toHaveAttribute('data-rotation', '0');
  await expectAnnotationAt(upperBoxId, movedBox, { rotation: 0 });
  await page.keyboard.press('+');
  await page.keyboard.press('h');
  await expect(viewport(page, 0)).toHaveAttribute('data-flip-h', 'true');
  await expectAnnotationAt(upperBoxId, movedBox, { rotation: 0, zoom: 1.25, flip: true });
  await page.keyboard.press('Space');
  await expectAnnotationAt(upperBoxId, movedBox, { rotation: 0 });
});

const MISSED = 'Right apical pneumothorax.';
const DRAWN = { x: 1300, y: 200, width: 300, height: 250 };

test('a box drawn with no finding selected is a missed finding, whose text the reader writes', async () => {
  await page.keyboard.press('Escape');
  await expect(panel().locator('[data-selected="true"]')).toHaveCount(0);
  const canvas = await canvasRect();
  await drag(
    toPage(canvas, [DRAWN.x, DRAWN.y], { rotation: 0 }),
    toPage(canvas, [DRAWN.x + DRAWN.width, DRAWN.y + DRAWN.height], { rotation: 0 }),
  );
  const editor = panel().getByRole('textbox', { name: 'Finding text' });
  await expect(editor).toBeFocused();
  await expect(editor).toHaveValue('Missed finding');
  await editor.fill(MISSED);
  await editor.press('Enter');
  await expect(finding(MISSED)).toHaveAttribute('data-state', 'added');
  await expect(finding(MISSED).getByTestId('finding-box-count')).toHaveText('1 box');
  const added = findingIn(await boxedReading(), MISSED);
  expect(added.modelIndex).toBeNull();
  const box = added.boxes[0]!;
  expect(box.source).toBe('reader');
  for (const key of ['x', 'y', 'width', 'height'] as const)
    expect(Math.abs(box[key] - DRAWN[key])).toBeLessThan(3);
  await expectAnnotationAt(box.id, box, { rotation: 0 });
});

test('undo and redo step through the edits, on the image too', async () => {
  const missedBox = findingIn(await boxedReading(), MISSED).boxes[0]!.id;
  // The text, the box, the finding.
  for (let i = 0; i < 3; i++) await page.keyboard.press('Control+z');
  await expect(finding(/Right apical|Missed finding/)).toHaveCount(0);
  await expect(annotationRect(missedBox)).toHaveCount(0);
  expect((await boxedReading()).findings).toHaveLength(3);
  await page.keyboard.press('Control+y');
  await page.keyboard.press('Control+Shift+z');
  await expect(finding('Missed finding')).toHaveCount(1);
  await expect(annotationRect(missedBox)).toHaveCount(1);
  await panel().getByRole('button', { name: 'Redo' }).click();
  await expect(finding(MISSED)).toHaveCount(1);
  await expect(panel().getByRole('button', { name: 'Redo' })).toBeDisabled();
});

test('Delete removes the box selected on the image; a box moves to another finding from the list', async () => {
  const missed = findingIn(await boxedReading(), MISSED).boxes[0]!;
  const [x, y] = toPage(await canvasRect(), [missed.x + missed.width / 2, missed.y], { rotation: 0 });
  await page.keyboard.press('Escape');
  await expect(finding(MISSED)).toHaveAttribute('data-selected', 'false');
  await page.mouse.click(x, y);
  // Selecting a box on the image selects its finding.
  await expect(finding(MISSED)).toHaveAttribute('data-selected', 'true');
  await page.keyboard.press('Delete');
  await expect(finding(MISSED).getByTestId('finding-box-count')).toHaveText('0 boxes');
  await expect(annotationRect(missed.id)).toHaveCount(0);
  await page.keyboard.press('Control+z');
  await expect(finding(MISSED).getByTestId('finding-box-count')).toHaveText('1 box');
  await expect(annotationRect(missed.id)).toHaveCount(1);

  await finding(MISSED)
    .getByRole('combobox', { name: 'Move box 1 to' })
    .selectOption({ label: `1. ${UPPER}` });
  await expect(finding(UPPER).getByTestId('finding-box-count')).toHaveText('2 boxes');
  await expect(finding(MISSED).getByTestId('finding-box-count')).toHaveText('0 boxes');
  expect(findingIn(await boxedReading(), UPPER).boxes.map((b) => b.id)).toContain(missed.id);
  await panel().getByRole('button', { name: 'Undo' }).click();
  await expect(finding(MISSED).getByTestId('finding-box-count')).toHaveText('1 box');

  // Leave box editing: the read-only overlay draws the boxes again.
  await leavePanel();
  await page.keyboard.press('b');
  await expect(viewport(page, 0)).toHaveAttribute('data-editing-boxes', 'false');
  await expect(page.getByTestId('finding-box')).toHaveCount(3);
});

test('after a reload everything is still there', async () => {
  const before = await boxedReading();
  await page.reload();
  await page.getByTestId('study-row').first().waitFor();
  await openStudy(BOXED);
  await expect(findings()).toHaveCount(4);
  await expect(finding(UPPER)).toHaveAttribute('data-state', 'accepted');
  await expect(finding('Mild cardiomegaly.')).toHaveAttribute('data-state', 'edited');
  await expect(finding(EFFUSION)).toHaveAttribute('data-state', 'rejected');
  await expect(finding(MISSED)).toHaveAttribute('data-state', 'added');
  await expect(page.getByTestId('finding-box')).toHaveCount(3);
  const after = await boxedReading();
  expect(after.findings).toEqual(before.findings);
  expect(findingIn(after, UPPER).boxes[0]).toMatchObject(movedBox);
});

test('signing makes the report read-only; amending starts version 2 from it', async () => {
  await panel().getByTestId('impression').fill('Right apical pneumothorax; mild cardiomegaly.');
  await panel().getByTestId('impression').blur();
  await expect
    .poll(async () => (await boxedReading()).impression)
    .toBe('Right apical pneumothorax; mild cardiomegaly.');
  await panel().getByRole('button', { name: 'Sign' }).click();
  const reading = panel().getByTestId('reading');
  await expect(reading).toHaveAttribute('data-status', 'signed');
  await expect(reading).toHaveAttribute('data-read-only', 'true');
  const signed = await boxedReading();
  expect(signed.signedBy).toMatch(/^r-[0-9a-f]{16}$/);
  await expect(panel().getByTestId('signed-by')).toContainText(`Signed by ${signed.signedBy} at`);
  await page.screenshot({ path: 'test-results/reading-signed.png' });
  for (const name of ['Accept', 'Reject', 'Edit', 'Remove', 'Add finding', 'Sign'])
    await expect(panel().getByRole('button', { name, exact: true })).toHaveCount(0);
  await expect(panel().getByTestId('impression')).toHaveAttribute('readonly', '');
  await expect(panel().getByRole('button', { name: 'Edit boxes' })).toBeDisabled();
  await expect(panel().getByRole('button', { name: 'Undo' })).toBeDisabled();
  const refused = await invoke('reading:apply', {
    studyId: boxedId,
    revision: signed.revision,
    op: { type: 'finding.reject', findingId: signed.findings[0]!.id },
  });
  expect(refused.ok).toBe(false);

  await panel().getByRole('button', { name: 'Amend' }).click();
  await expect(reading).toHaveAttribute('data-version', '2');
  await expect(reading).toHaveAttribute('data-status', 'in-progress');
  await expect(panel().getByTestId('reading-version')).toHaveText('Version 2 · revises version 1');
  await expect(finding(MISSED).getByRole('button', { name: 'Edit' })).toBeVisible();
  const amended = await boxedReading();
  expect([amended.version, amended.parentVersion, amended.status]).toEqual([2, 1, 'in-progress']);
  expect(amended.findings).toEqual(signed.findings);
});

test('an edit made on an older revision is refused: the reading reloads and says why', async () => {
  const before = await boxedReading();
  // Another window changes the reading first (the same main, called directly).
  const other = await invoke('reading:apply', {
    studyId: boxedId,
    revision: before.revision,
    op: { type: 'finding.edit', findingId: findingIn(before, MISSED).id, text: 'Small apical pneumothorax.' },
  });
  expect(other.ok).toBe(true);
  await finding(EFFUSION).getByRole('button', { name: 'Restore' }).click();
  await expect(panel().getByTestId('reading-notice')).toContainText('changed in another window');
  await expect(finding('Small apical pneumothorax.')).toHaveCount(1);
  await expect(finding(EFFUSION)).toHaveAttribute('data-state', 'rejected');
  // On the reloaded reading the edit goes through.
  await finding(EFFUSION).getByRole('button', { name: 'Restore' }).click();
  await expect(finding(EFFUSION)).toHaveAttribute('data-state', 'pending');
  await expect(panel().getByTestId('reading-notice')).toHaveCount(0);
});

test('an annotator cannot sign: the button is disabled and main refuses the call', async () => {
  await page.getByTestId('reader-profile').click();
  const dialog = page.getByRole('dialog', { name: 'Reader profile' });
  await dialog.getByLabel('Annotator').check();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('reader-profile')).toHaveText('Annotator Dr Test');
  const sign = panel().getByRole('button', { name: 'Sign' });
  await expect(sign).toBeDisabled();
  await expect(sign.locator('xpath=..')).toHaveAttribute('title', 'Only radiologists sign reports');
  await expect(panel().getByRole('button', { name: 'Submit corrections' })).toBeEnabled();
  // Annotators correct boxes: no text actions.
  await expect(panel().getByRole('button', { name: 'Accept' })).toHaveCount(0);
  const { revision } = await boxedReading();
  const answer = await invoke('reading:sign', { studyId: boxedId, revision });
  expect(answer).toEqual({ ok: false, text: 'Only a radiologist can sign a report.' });
  expect((await boxedReading()).status).toBe('in-progress');
});
