// The "done when", in Chromium against the real services and the real demo model pack
// (models/lightbox-demo): a radiologist drafts a demo study (the model reports its left effusion with a
// box), edits a sentence, moves the model's box by dragging it on the image, draws a missed finding,
// confirms the image free of burned-in identifiers and signs; the export dialog then writes TRL DPO and
// verl GRPO folders, whose rows hold the reader's changes in the model's own formats (boxes as
// [x1, y1, x2, y2] fractions), whose files match the manifest's sha256, and which carry none of the
// study's identifiers. Last, the exclude flag and the confirmation are still shown after a reload, and an
// export then leaves the study out with the reader's reason.
import { expect, test, type Page } from '@playwright/test';
import { parquetReadObjects } from 'hyparquet';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Draft } from '../../src/shared/draft';
import type { Reading, ReaderBox } from '../../src/shared/reading';
import { ROOT, SAMPLES } from '../helpers/paths';
import { importSamples, openApp, type AppPage } from './helpers/app-page';
import { tempDir } from './helpers/fixture-dirs';
import * as geometry from './helpers/image-geometry';
import type { ImageSize, Rect } from './helpers/image-geometry';
import { findingByText, findingItems, leavePanel, reportPanel, storedReading } from './helpers/report-panel';
import { expectRendered, viewport } from './helpers/viewport-pixels';

test.describe.configure({ mode: 'serial' });

const STUDY = 'demo-03-left-effusion.dcm';
/** The repository's models folder: the demo pack is the default model. */
const MODELS = join(ROOT, 'models');
const EDITED = 'The lungs are well expanded and clear.';
const MISSED = 'Small nodule in the upper zone.';
const REASON = 'Teaching file only';

let app: AppPage;
let page: Page;
let exportDir: string;
let studyId = '';
let instanceId = '';
let image: ImageSize;
let draft: Draft;
/** The model's sentence the reader rewrites, and the model's box the reader moves. */
let editedFrom = '';
let movedId = '';
let modelBox: Rect;
let signed: Reading;

const panel = () => reportPanel(page);
const stored = () => storedReading(page, studyId);
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const exactly = (text: string) => new RegExp(`^${escapeRegExp(text)}$`);
const boxOf = (reading: Reading, boxId: string): ReaderBox =>
  reading.findings.flatMap((f) => f.boxes).find((b) => b.id === boxId)!;
const findingOf = (reading: Reading, boxId: string) =>
  reading.findings.find((f) => f.boxes.some((b) => b.id === boxId))!;

/** A box as the model writes it: [x1, y1, x2, y2] in fractions of the image, two decimals. */
function fractions(box: Rect): string {
  const f = (v: number) => (Math.round(v * 100) / 100).toFixed(2);
  const { width, height } = image;
  return `[${f(box.x / width)}, ${f(box.y / height)}, ${f((box.x + box.width) / width)}, ${f((box.y + box.height) / height)}]`;
}

/** The header's identifiers, from the tag dump main shows in the tag browser. */
async function identifiers(): Promise<{ values: string[]; nameWords: string[] }> {
  const dump = await page.evaluate(
    (id) => window.lightbox.invoke('instances:tags', { instanceId: id }),
    instanceId,
  );
  const names = [
    'PatientName',
    'PatientID',
    'OtherPatientIDs',
    'PatientBirthDate',
    'AccessionNumber',
    'StudyID',
    'StudyDate',
    'StudyInstanceUID',
    'SeriesInstanceUID',
    'SOPInstanceUID',
    'ReferringPhysicianName',
    'InstitutionName',
  ];
  const rows = dump.rows.filter((r) => names.includes(r.name) && r.value.trim() !== '');
  const patientName = rows.find((r) => r.name === 'PatientName')!.value;
  const values = rows.flatMap((r) => (r.vr === 'PN' ? [r.value, r.value.replaceAll('^', ' ')] : [r.value]));
  return { values, nameWords: patientName.split(/[\^\s]+/).filter((w) => w.length >= 2) };
}

const mentionsName = (text: string, words: readonly string[]) =>
  words.some((w) => new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(w)}(?![\\p{L}\\p{N}])`, 'iu').test(text));

/** Every file under the folder, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .map((f) => relative(dir, join(dir, f)))
    .sort();
}

type Manifest = {
  format: string;
  counts: { records: number; exported: number; rows: number; images: number; excluded: number };
  excluded: { recordId: string; reason: string }[];
  files: { path: string; bytes: number; sha256: string }[];
};

/** The manifest lists every other file with its size and sha256. */
function checkedManifest(dir: string): Manifest {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  expect(manifest.files.map((f) => f.path).sort()).toEqual(
    filesUnder(dir).filter((f) => f !== 'manifest.json'),
  );
  for (const file of manifest.files) {
    const bytes = readFileSync(join(dir, file.path));
    expect(file.bytes, file.path).toBe(bytes.length);
    expect(file.sha256, file.path).toBe(createHash('sha256').update(bytes).digest('hex'));
  }
  return manifest;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const isPng = (bytes: Uint8Array) => Buffer.from(bytes.subarray(0, 8)).equals(PNG_SIGNATURE);

type ExportChoice = { format: RegExp; since?: string; modelId?: string };

/** Runs an export from the model-quality view; returns the summary's folder and texts. */
async function exportThroughApp(
  choice: ExportChoice,
): Promise<{ dir: string; summary: Record<string, string> }> {
  await page.getByRole('button', { name: 'Model quality' }).click();
  const quality = page.getByRole('dialog', { name: 'Model quality' });
  await quality.getByRole('button', { name: 'Export training data…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export training data' });
  await dialog.getByRole('radio', { name: choice.format }).check();
  if (choice.since) await dialog.getByLabel('Signed since (optional)').fill(choice.since);
  if (choice.modelId) await dialog.getByRole('combobox', { name: 'Model' }).selectOption(choice.modelId);
  await dialog.getByRole('button', { name: 'Export…' }).click();
  const summary = dialog.getByTestId('export-summary');
  await expect(summary).toBeVisible({ timeout: 30_000 });
  await expect(dialog.getByTestId('export-error')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/feedback-loop-export.png' });
  const texts: Record<string, string> = {};
  for (const key of ['folder', 'records', 'rows', 'images', 'excluded-count'])
    texts[key] = (await summary.getByTestId(`export-${key}`).textContent()) ?? '';
  texts.excluded = (await summary.getByTestId('export-excluded').allTextContents()).join('\n');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await quality.getByRole('button', { name: 'Close' }).click();
  await expect(quality).toBeHidden();
  return { dir: texts.folder!, summary: texts };
}

test.beforeAll(async ({ browser }) => {
  expect(
    existsSync(join(MODELS, 'lightbox-demo', 'manifest.json')),
    'the demo pack models/lightbox-demo',
  ).toBe(true);
  const samples = join(tempDir(), 'samples');
  mkdirSync(samples);
  copyFileSync(join(SAMPLES, 'demo', STUDY), join(samples, STUDY));
  exportDir = tempDir();
  app = await openApp(browser, { samplesDir: samples, modelsDir: MODELS, exportDir });
  page = app.page;
  await importSamples(page, 1);
});

test.afterAll(async () => {
  expect(app?.problems ?? []).toEqual([]);
  await app?.close();
});

test('the demo model drafts the demo study, and its findings become the reading', async () => {
  test.setTimeout(180_000);
  await page.getByTestId('study-row').first().click();
  await expectRendered(page, 0);
  await panel().getByRole('button', { name: 'Draft' }).click();
  await expect(panel().getByTestId('intended-use')).toHaveText('Demo model — not for clinical use', {
    timeout: 120_000,
  });
  await expect(panel()).toHaveAttribute('data-running', 'false', { timeout: 120_000 });
  await expect(panel().getByTestId('draft-error')).toHaveCount(0);
  studyId = app.bridge.library.listStudies()[0]!.id;
  const instance = app.bridge.library.getStudy(studyId).series[0]!.instances[0]!;
  instanceId = instance.id;
  image = { width: instance.columns, height: instance.rows };
  const drafted = app.bridge.library.drafts.latest(studyId)!;
  expect(drafted.model.id).toBe('lightbox-demo');
  draft = drafted;
  // The model's own draft reports the effusion and boxes it: that box is what the reader corrects.
  expect(draft.report, draft.report).toMatch(/left pleural effusion/);
  await expect.poll(async () => (await stored()).draftId).not.toBeNull();
  const reading = await stored();
  expect(reading.findings.map((f) => [f.text, f.state])).toEqual(
    draft.findings.map((f) => [f.text, 'pending']),
  );
  const boxed = reading.findings.find((f) => f.boxes.some((b) => b.source === 'model'));
  expect(boxed, `the demo model drew no box on ${STUDY}: ${draft.report}`).toBeDefined();
  const box = boxed!.boxes.find((b) => b.source === 'model')!;
  movedId = box.id;
  modelBox = { x: box.x, y: box.y, width: box.width, height: box.height };
});

test('the radiologist rewrites one of the model’s sentences', async () => {
  const reading = await stored();
  const { nameWords } = await identifiers();
  // A sentence without the demo patient's name words (which export masks), so that it can be found there.
  const target =
    reading.findings.find((f) => f.boxes.length === 0 && !mentionsName(f.text, nameWords)) ??
    reading.findings.find((f) => !mentionsName(f.text, nameWords));
  expect(target, 'a model sentence to rewrite').toBeDefined();
  editedFrom = target!.text;
  // By place: while its text is edited, the finding shows a text box instead of its text.
  const item = findingItems(page).nth(reading.findings.indexOf(target!));
  await expect(item.getByTestId('finding-text')).toHaveText(editedFrom);
  await item.getByRole('button', { name: 'Edit' }).click();
  const editor = item.getByRole('textbox', { name: 'Finding text' });
  await expect(editor).toBeFocused();
  await editor.fill(EDITED);
  await editor.press('Enter');
  await expect(findingByText(page, exactly(EDITED))).toHaveAttribute('data-state', 'edited');
  expect((await stored()).findings.find((f) => f.text === EDITED)?.modelText).toBe(editedFrom);
});

test('the radiologist moves the model’s box by dragging it on the image, and draws a missed finding', async () => {
  await panel().getByRole('button', { name: 'Edit boxes' }).click();
  await expect(viewport(page, 0)).toHaveAttribute('data-editing-boxes', 'true');
  await geometry.expectAnnotationAt(page, image, movedId, modelBox, { rotation: 0 });

  // Grab the left edge in its middle (corners resize) and drag it towards the image's centre.
  const canvas = await geometry.canvasRect(page);
  const k = geometry.fitScale(canvas, image);
  const dx = modelBox.x + modelBox.width / 2 > image.width / 2 ? -40 : 40;
  const dy = modelBox.y + modelBox.height / 2 > image.height / 2 ? -24 : 24;
  const start = geometry.imageToPage(canvas, image, [modelBox.x, modelBox.y + modelBox.height / 2], {
    rotation: 0,
  });
  await geometry.drag(page, start, [start[0] + dx, start[1] + dy]);
  const want = { ...modelBox, x: modelBox.x + dx / k, y: modelBox.y + dy / k };
  await expect
    .poll(async () => geometry.rectDistance(boxOf(await stored(), movedId), want))
    .toBeLessThan(1.5);

  // A box drawn with no finding selected, where no box is, is a missed finding.
  await page.keyboard.press('Escape');
  await expect(panel().locator('[data-selected="true"]')).toHaveCount(0);
  const boxes = (await stored()).findings.flatMap((f) => f.boxes);
  const drawn = [0.12, 0.62]
    .map((x) => ({
      x: x * image.width,
      y: 0.3 * image.height,
      width: 0.2 * image.width,
      height: 0.15 * image.height,
    }))
    .find((c) =>
      boxes.every(
        (b) => c.x + c.width < b.x || b.x + b.width < c.x || c.y + c.height < b.y || b.y + b.height < c.y,
      ),
    )!;
  await geometry.drag(
    page,
    geometry.imageToPage(canvas, image, [drawn.x, drawn.y], { rotation: 0 }),
    geometry.imageToPage(canvas, image, [drawn.x + drawn.width, drawn.y + drawn.height], { rotation: 0 }),
  );
  const editor = panel().getByRole('textbox', { name: 'Finding text' });
  await expect(editor).toBeFocused();
  await editor.fill(MISSED);
  await editor.press('Enter');
  await expect(findingByText(page, exactly(MISSED))).toHaveAttribute('data-state', 'added');
  await expect(findingByText(page, exactly(MISSED)).getByTestId('finding-box-count')).toHaveText('1 box');
  await leavePanel(page);
  await page.keyboard.press('b');
  await expect(viewport(page, 0)).toHaveAttribute('data-editing-boxes', 'false');
});

test('the image is confirmed free of burned-in identifiers, and the report signed', async () => {
  const burnedIn = panel().getByTestId('burned-in');
  await expect(burnedIn).toHaveAttribute('data-annotation', 'YES');
  await expect(burnedIn.getByTestId('burned-in-header')).toContainText(
    'The image header says text is burned into the pixels. Training exports leave it out',
  );
  const clean = panel().getByRole('checkbox', { name: 'No identifiers burned into this image' });
  await expect(clean).not.toBeChecked();
  await clean.check();
  await expect(clean).toBeChecked();
  await expect
    .poll(() =>
      page.evaluate((id) => window.lightbox.invoke('images:burned-in', { instanceId: id }), instanceId),
    )
    .toMatchObject({ annotation: 'YES', confirmedClean: true });
  await expect(burnedIn.getByTestId('burned-in-header')).not.toContainText('Training exports leave it out');
  // The flag lives on the feedback records, which signing writes.
  await expect(panel().getByRole('checkbox', { name: 'Exclude from training' })).toBeDisabled();

  await panel().getByRole('button', { name: 'Sign' }).click();
  await expect(panel().getByTestId('reading')).toHaveAttribute('data-status', 'signed');
  await expect(panel().getByRole('checkbox', { name: 'Exclude from training' })).toBeEnabled();
  await expect(panel().getByRole('checkbox', { name: 'Exclude from training' })).not.toBeChecked();
  await page.screenshot({ path: 'test-results/feedback-loop-signed.png' });
  signed = await stored();
  expect(signed.exclude).toEqual({ excluded: false, reason: null });
  expect(signed.instanceId).toBe(instanceId);
  expect(boxOf(signed, movedId)).not.toMatchObject(modelBox);
});

let dpoDir = '';
type Turn = { role: string; content: { type: string; text?: string }[] };
type DpoRow = { prompt: Turn[]; chosen: Turn[]; rejected: Turn[]; images: string[] };
const turnText = (turns: Turn[]) => turns[0]!.content.find((c) => c.type === 'text')!.text!;

test('a TRL DPO export through the app: the edited report over the draft, the moved box over the model’s', async () => {
  const today = new Date().toISOString().slice(0, 10);
  const { dir, summary } = await exportThroughApp({ format: /TRL DPO/, since: today });
  dpoDir = dir;
  expect(dir.startsWith(exportDir)).toBe(true);
  const rows = readFileSync(join(dir, 'dpo.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as DpoRow);
  expect(summary).toMatchObject({
    records: '1',
    rows: String(rows.length),
    images: '1',
    'excluded-count': '0',
  });
  const manifest = checkedManifest(dir);
  expect(manifest.counts).toMatchObject({
    records: 1,
    exported: 1,
    rows: rows.length,
    images: 1,
    excluded: 0,
  });

  const [imageFile] = filesUnder(dir).filter((f) => f.startsWith('images/'));
  expect(isPng(readFileSync(join(dir, imageFile!)))).toBe(true);
  for (const row of rows) {
    expect(row.images).toEqual([imageFile]);
    expect(row.prompt[0]!.content[0]).toEqual({ type: 'image' });
    expect([row.prompt[0]!.role, row.chosen[0]!.role, row.rejected[0]!.role]).toEqual([
      'user',
      'assistant',
      'assistant',
    ]);
  }
  // The report: the reader's rewritten sentence and added finding chosen, the model's sentence rejected.
  const report = rows.find((r) => turnText(r.prompt) === draft.prompts.reportGeneration);
  expect(report, 'the report-generation pair').toBeDefined();
  expect(turnText(report!.chosen)).toContain(EDITED);
  expect(turnText(report!.chosen)).toContain(MISSED);
  expect(turnText(report!.chosen)).not.toContain(editedFrom);
  expect(turnText(report!.rejected)).toContain(editedFrom);
  // The moved box: the reader's coordinates chosen, the model's rejected, in the model's answer format.
  const moved = fractions(boxOf(signed, movedId));
  expect(moved).not.toBe(fractions(modelBox));
  const grounding = rows.find((r) => turnText(r.chosen).includes(moved));
  expect(grounding, `a grounding pair with ${moved}`).toBeDefined();
  const template = draft.prompts.phraseGrounding.split('{phrase}')[0]!;
  expect(turnText(grounding!.prompt).startsWith(template)).toBe(true);
  expect(turnText(grounding!.chosen)).toMatch(
    new RegExp(`^The .+ is located at the coordinates ${escapeRegExp(moved)} on the image\\.$`),
  );
  expect(turnText(grounding!.rejected)).toContain(fractions(modelBox));
});

type VerlRow = {
  prompt: { role: string; content: string }[];
  images: { bytes: Uint8Array }[];
  ability: string;
  reward_model: { style: string; ground_truth: string };
  extra_info: { record_id: string; task: string };
};

let verlDir = '';

test('a verl GRPO export through the app: the final report and boxes as ground truth, the image as PNG bytes', async () => {
  const { dir, summary } = await exportThroughApp({ format: /verl GRPO/, modelId: 'lightbox-demo' });
  verlDir = dir;
  expect(dir).not.toBe(dpoDir);
  const bytes = readFileSync(join(dir, 'train.parquet'));
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const rows = (await parquetReadObjects({ file, utf8: false })) as VerlRow[];
  expect(summary).toMatchObject({
    records: '1',
    rows: String(rows.length),
    images: '1',
    'excluded-count': '0',
  });
  checkedManifest(dir);

  const [imageFile] = filesUnder(dpoDir).filter((f) => f.startsWith('images/'));
  const png = readFileSync(join(dpoDir, imageFile!));
  for (const row of rows) {
    expect(row.prompt).toHaveLength(1);
    expect(row.prompt[0]!.content.startsWith('<image>')).toBe(true);
    expect(isPng(row.images[0]!.bytes)).toBe(true);
    // The same model-input rendition as the DPO export's file.
    expect(Buffer.from(row.images[0]!.bytes).equals(png)).toBe(true);
    expect(`images/${row.extra_info.record_id}.png`).toBe(imageFile);
    expect(row.reward_model.style).toBe('rule');
  }
  const dpoReport = readFileSync(join(dpoDir, 'dpo.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as DpoRow)
    .find((r) => turnText(r.prompt) === draft.prompts.reportGeneration)!;
  const report = rows.filter((r) => r.extra_info.task === 'report-generation');
  expect(report).toHaveLength(1);
  expect(report[0]!.prompt[0]!.content).toBe(`<image>${draft.prompts.reportGeneration}`);
  expect(report[0]!.reward_model.ground_truth).toBe(turnText(dpoReport.chosen));
  // One grounding task per final finding with boxes: the moved box and the drawn one among them.
  const grounding = rows
    .filter((r) => r.extra_info.task === 'phrase-grounding')
    .map((r) => r.reward_model.ground_truth);
  expect(grounding).toHaveLength(
    signed.findings.filter((f) => f.state !== 'rejected' && f.boxes.length > 0).length,
  );
  const missed = signed.findings.find((f) => f.text === MISSED)!;
  for (const box of [boxOf(signed, movedId), missed.boxes[0]!])
    expect(
      grounding.some((g) => g.includes(fractions(box))),
      fractions(box),
    ).toBe(true);
  expect(grounding).toContain(
    `The nodule is located at the coordinates ${fractions(missed.boxes[0]!)} on the image.`,
  );
  expect(findingOf(signed, movedId).state).not.toBe('rejected');
});

test('neither export holds any of the study’s identifiers', async () => {
  const { values, nameWords } = await identifiers();
  expect(values.length).toBeGreaterThan(5);
  for (const dir of [dpoDir, verlDir]) {
    for (const file of filesUnder(dir)) {
      const text = readFileSync(join(dir, file)).toString('latin1');
      for (const value of values) expect(text.includes(value), `${value} in ${file}`).toBe(false);
    }
  }
  // The patient's name words, also one by one, are masked wherever text from the study went.
  const texts = [
    ...readFileSync(join(dpoDir, 'dpo.jsonl'), 'utf8').split('\n'),
    ...(
      (await parquetReadObjects({
        file: new Uint8Array(readFileSync(join(verlDir, 'train.parquet'))).buffer,
        utf8: false,
      })) as VerlRow[]
    ).flatMap((r) => [r.prompt[0]!.content, r.reward_model.ground_truth]),
  ];
  for (const text of texts) expect(mentionsName(text, nameWords), text).toBe(false);
});

test('the exclude flag and the clean confirmation are shown after a reload; an export then leaves the study out', async () => {
  const exclude = panel().getByRole('checkbox', { name: 'Exclude from training' });
  await exclude.check();
  const reason = panel().getByRole('textbox', { name: 'Reason for excluding' });
  await reason.fill(REASON);
  await reason.press('Tab');
  await expect.poll(async () => (await stored()).exclude).toEqual({ excluded: true, reason: REASON });

  await page.reload();
  await page.getByTestId('study-row').first().click();
  await expectRendered(page, 0);
  await expect(panel().getByTestId('reading')).toHaveAttribute('data-status', 'signed');
  await expect(panel().getByRole('checkbox', { name: 'Exclude from training' })).toBeChecked();
  await expect(panel().getByRole('textbox', { name: 'Reason for excluding' })).toHaveValue(REASON);
  await expect(
    panel().getByRole('checkbox', { name: 'No identifiers burned into this image' }),
  ).toBeChecked();

  const { dir, summary } = await exportThroughApp({ format: /JSONL/ });
  expect(summary).toMatchObject({ records: '0', rows: '0', images: '0', 'excluded-count': '1' });
  expect(summary.excluded).toContain(`excluded from training by a reader: ${REASON}`);
  expect(checkedManifest(dir).excluded).toEqual([
    {
      recordId: expect.stringMatching(/^[0-9a-f]{16}$/),
      reason: `excluded from training by a reader: ${REASON}`,
    },
  ]);
});
