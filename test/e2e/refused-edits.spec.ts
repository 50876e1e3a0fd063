// No typed word is lost when the library cannot take it, in Chromium against the real services whose
// data folder is a real small disk (a tmpfs mounted for this file: it needs root, as CI has; without
// mount the file fails and says so). Another program holding the library (a real second process in
// BEGIN EXCLUSIVE on the same file) and the disk filled to its last page: the impression, a finding's
// text and a new finding stay in their fields with "the library is busy" or "the disk is full", and the
// notice's Retry stores them once the lock is gone or there is room, once each, and before any edit made
// while they waited. An impression refused as its study closes is there again, and stored, when the
// study reopens.
import { expect, test, type Page } from '@playwright/test';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../src/shared/draft';
import { STORAGE_REFUSALS } from '../../src/shared/storage-refusals';
import { mountSmallDisk, type SmallDisk } from '../helpers/full-disk';
import { holdWriteLock, type WriteLock } from '../helpers/write-lock';
import { openApp, type AppPage } from './helpers/app-page';
import { SAMPLE_DIR, tempDir } from './helpers/fixture-dirs';
import { findingItems, leavePanel, reportPanel } from './helpers/report-panel';
import { nemaDraft } from './helpers/stored-draft';
import { expectRendered } from './helpers/viewport-pixels';

test.describe.configure({ mode: 'serial' });

const modelFinding = (text: string): Finding => ({
  text,
  status: 'normal',
  boxes: [],
  box_source: 'model',
  dropped: [],
  grounding: null,
});
const UPPER = 'The lungs are clear.';
const HEART = 'The heart is normal in size.';

let disk: SmallDisk | undefined;
let app: AppPage | undefined;
let page: Page;
let studyId = '';
const locks: WriteLock[] = [];

const panel = () => reportPanel(page);
const notice = () => panel().getByTestId('reading-notice');
const retry = () => notice().getByRole('button', { name: 'Retry' });
const impression = () => panel().getByTestId('impression');
const library = () => app!.bridge.library;

/** The reading as stored in the library file (not through main, whose open shows it from memory). */
function stored(): { impression: string; findings: { text: string; state: string }[] } {
  const row = library()
    .repo.db.prepare('SELECT state_json FROM readings WHERE study_ref = ? ORDER BY version DESC LIMIT 1')
    .get(studyId) as { state_json: string };
  return JSON.parse(row.state_json);
}

/** The kinds of the reading's stored edits, in the order they were stored. */
const storedOps = (): string[] =>
  (
    library()
      .repo.db.prepare('SELECT op_json FROM reading_edits WHERE study_ref = ? ORDER BY version, seq')
      .all(studyId) as { op_json: string }[]
  ).map((r) => (JSON.parse(r.op_json) as { type: string }).type);

/** Fills the disk to its last page; the WAL starts empty (as after a checkpoint), so a commit must grow it. */
function fillDisk(): void {
  library().repo.db.pragma('wal_checkpoint(TRUNCATE)');
  disk!.fill();
}

async function openStudy(): Promise<void> {
  await page.getByTestId('study-row').first().click();
  await expectRendered(page, 0);
  await expect(panel().getByTestId('reading')).toBeVisible();
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  disk = mountSmallDisk(join(tempDir(), 'disk'));
  const samples = join(tempDir(), 'samples');
  mkdirSync(samples);
  copyFileSync(join(SAMPLE_DIR, 'nema-wg04_RG1_J2KI.dcm'), join(samples, 'nema-wg04_RG1_J2KI.dcm'));
  app = await openApp(browser, { userDataDir: disk.dir, samplesDir: samples });
  page = app.page;
  await page.getByRole('button', { name: 'Open sample studies' }).click();
  await page.getByTestId('study-row').first().waitFor();
  const [study] = library().listStudies();
  studyId = study!.id;
  const image = library().getStudy(studyId).series[0]!.instances[0]!;
  library().drafts.save(
    '00000000000000e0',
    studyId,
    nemaDraft(image.sopInstanceUid, [modelFinding(UPPER), modelFinding(HEART)]),
  );
  await openStudy();
  await expect(findingItems(page)).toHaveCount(2);
});

test.afterAll(async () => {
  for (const lock of locks.splice(0)) await lock.release().catch(() => undefined);
  disk?.free();
  await app?.close();
  disk?.unmount();
  expect(app?.problems ?? []).toEqual([]);
});

test('an impression typed while another program holds the library stays, says the library is busy, and Retry stores it', async () => {
  const typed = 'Typed while the library was busy.';
  const lock = await holdWriteLock(join(disk!.dir, 'lightbox.sqlite'));
  locks.push(lock);
  await impression().fill(typed);
  await leavePanel(page);
  // Main waits for the lock a few seconds, then refuses.
  await expect(notice()).toContainText(STORAGE_REFUSALS.busy);
  await expect(impression()).toHaveValue(typed);
  await expect(retry()).toBeVisible();
  expect(stored().impression).toBe('');

  await locks.pop()!.release();
  await retry().click();
  await expect(notice()).toHaveCount(0);
  await expect(impression()).toHaveValue(typed);
  expect(stored().impression).toBe(typed);
});

test("a finding's text edited on a full disk stays in its editor; dismissed, Enter tries again; Retry stores it once there is room", async () => {
  const edited = 'Mild cardiomegaly, typed on a full disk.';
  const heart = findingItems(page).nth(1);
  fillDisk();
  await heart.getByRole('button', { name: 'Edit' }).click();
  const editor = heart.getByRole('textbox', { name: 'Finding text' });
  await editor.fill(edited);
  await editor.press('Enter');
  await expect(notice()).toContainText(STORAGE_REFUSALS.full);
  await expect(editor).toHaveValue(edited);
  expect(stored().findings[1]).toMatchObject({ text: HEART, state: 'pending' });

  // Given up, the text is still there, and Enter sends it again.
  await notice().getByRole('button', { name: 'Dismiss' }).click();
  await expect(notice()).toHaveCount(0);
  await expect(editor).toHaveValue(edited);
  await editor.press('Enter');
  await expect(notice()).toContainText(STORAGE_REFUSALS.full);
  await expect(editor).toHaveValue(edited);

  // Room again, but an accept clicked now still waits behind the refused edit: no older edit is stored
  // after a newer one.
  disk!.free();
  await findingItems(page).nth(0).getByRole('button', { name: 'Accept' }).click();
  await retry().click();
  await expect(editor).toHaveCount(0);
  await expect(notice()).toHaveCount(0);
  await expect(heart.getByTestId('finding-text')).toHaveText(edited);
  await expect(findingItems(page).nth(0)).toHaveAttribute('data-state', 'accepted');
  expect(stored().findings.map((f) => [f.text, f.state])).toEqual([
    [UPPER, 'accepted'],
    [edited, 'edited'],
  ]);
  expect(storedOps().slice(-2)).toEqual(['finding.edit', 'finding.accept']);
});

test('a new finding added on a full disk stays in its field, and Retry adds it once', async () => {
  const added = 'Small nodule in the left upper zone.';
  const field = panel().getByRole('textbox', { name: 'New finding' });
  fillDisk();
  await field.fill(added);
  await field.press('Enter');
  await expect(notice()).toContainText(STORAGE_REFUSALS.full);
  await expect(field).toHaveValue(added);
  // Enter again while it waits for Retry does not send it a second time.
  await field.press('Enter');
  await expect(findingItems(page)).toHaveCount(2);

  disk!.free();
  await retry().click();
  await expect(findingItems(page)).toHaveCount(3);
  await expect(field).toHaveValue('');
  await expect(notice()).toHaveCount(0);
  expect(stored().findings.map((f) => [f.text, f.state])).toEqual([
    [UPPER, 'accepted'],
    ['Mild cardiomegaly, typed on a full disk.', 'edited'],
    [added, 'added'],
  ]);
});

test('an impression refused as its study closes is there when the study reopens, and is stored once there is room', async () => {
  const typed = 'Typed just before closing the study on a full disk.';
  fillDisk();
  await impression().fill(typed);
  await leavePanel(page);
  await expect(notice()).toContainText(STORAGE_REFUSALS.full);
  await page.getByRole('button', { name: '← Worklist' }).click();
  await expect(panel()).toHaveCount(0);

  await openStudy();
  await expect(impression()).toHaveValue(typed);
  // Sent again after the pause, and refused again while the disk is still full.
  await expect(notice()).toContainText(STORAGE_REFUSALS.full);
  expect(stored().impression).toBe('Typed while the library was busy.');

  disk!.free();
  await retry().click();
  await expect(notice()).toHaveCount(0);
  await expect(impression()).toHaveValue(typed);
  expect(stored().impression).toBe(typed);
});
