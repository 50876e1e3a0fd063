import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { NOTHING_DROPPED } from '../../src/preload/dropped-files';
import { PRELOAD_CHANNEL_REFUSAL } from '../../src/shared/ipc-contract';
import { FIXTURES } from '../helpers/paths';
import { badFolder, samplesCopy } from './helpers/fixture-dirs';
import { dropFiles, dropPageFiles, importSamples, openApp, type AppPage } from './helpers/app-page';

test.describe.configure({ mode: 'serial' });

const DROPPED = join(FIXTURES, 'dicom/nema-wg04_RG1_JLSN.dcm');
/** In the drop folder, never dropped or picked. */
const NEVER_DROPPED = 'siim-acr_nih_CR_jpegbaseline_FAKE-MONOCHROME1.dcm';
let app: AppPage;

test.beforeAll(async ({ browser }) => {
  app = await openApp(browser, {
    samplesDir: samplesCopy(),
    pickPaths: [badFolder()],
    dropDir: join(FIXTURES, 'dicom'),
  });
});

test.afterAll(async () => {
  expect(app.problems).toEqual([]);
  await app.close();
});

test('first start offers the samples, and importing them fills the worklist', async () => {
  const { page } = app;
  await expect(page.getByRole('heading', { name: 'No studies yet' })).toBeVisible();
  await importSamples(page, 4);
  await expect(page.getByTestId('study-row')).toHaveCount(4);
  await expect(page.getByTestId('study-count')).toHaveText('4 studies');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByRole('status')).toContainText('4 added');
  const nema = page.getByTestId('study-row').filter({ hasText: 'CompressedSamples' });
  await expect(nema).toContainText('2004-08-26');
  await expect(nema).toContainText('CR');
  await expect(nema).toContainText('PA');
  await expect(nema).toContainText('new');
});

test('clicking a column header sorts, clicking again reverses', async () => {
  const { page } = app;
  const column = (n: number) => () =>
    page.getByTestId('study-row').locator(`td:nth-child(${n})`).allTextContents();
  const patients = column(1);
  const header = page.getByRole('columnheader', { name: 'Patient', exact: true });
  await header.getByRole('button').click();
  await expect(header).toHaveAttribute('aria-sort', 'ascending');
  const ascending = [...(await patients())].sort((a, b) => a.localeCompare(b));
  await expect.poll(patients).toEqual(ascending);
  await header.getByRole('button').click();
  await expect(header).toHaveAttribute('aria-sort', 'descending');
  await expect.poll(patients).toEqual([...ascending].reverse());
  const date = page.getByRole('columnheader', { name: 'Date' });
  await date.getByRole('button').click();
  await expect(date).toHaveAttribute('aria-sort', 'ascending');
  const dates = async () => (await column(3)()).filter((d) => d !== '—');
  await expect.poll(dates).toEqual(['1901-01-01', '2004-08-26']);
});

test('the search box narrows the list', async () => {
  const { page } = app;
  const search = page.getByRole('searchbox', { name: 'Search studies' });
  await search.fill('compressed');
  await expect(page.getByTestId('study-row')).toHaveCount(1);
  await expect(page.getByTestId('study-row')).toContainText('CompressedSamples');
  await search.fill('no such patient');
  await expect(page.getByTestId('study-row')).toHaveCount(0);
  await expect(page.getByText('No study matches')).toBeVisible();
  await search.fill('');
  await expect(page.getByTestId('study-row')).toHaveCount(4);
});

test('a folder with a non-DICOM and a truncated file lists both in the import report', async () => {
  const { page } = app;
  await page.getByRole('button', { name: 'Open folder…' }).click();
  const report = page.getByRole('dialog', { name: 'Import report' });
  await expect(report).toBeVisible();
  const rejected = report.getByTestId('rejected');
  for (const name of ['notes.txt', 'truncated.dcm']) {
    const row = rejected.getByRole('row').filter({ hasText: name });
    await expect(row).toHaveCount(1);
    await expect(row.getByRole('cell').nth(1)).not.toBeEmpty();
  }
  await page.screenshot({ path: 'test-results/import-report.png' });
  await report.getByRole('button', { name: 'Close' }).click();
  await expect(report).toBeHidden();
  await expect(page.getByTestId('study-row')).toHaveCount(4);
});

test('files dropped on the window are imported', async () => {
  const { page } = app;
  await dropFiles(page, [DROPPED]);
  // The JPEG-LS copy joins the JPEG 2000 film's study: same study, second image.
  const nema = page.getByTestId('study-row').filter({ hasText: 'CompressedSamples' });
  await expect(nema.getByRole('cell').nth(5)).toHaveText('2');
  await expect(page.getByTestId('study-row')).toHaveCount(4);
  await page.screenshot({ path: 'test-results/worklist.png' });
  // Two frontal films and no lateral: both are shown, side by side.
  await nema.click();
  await expect(page.locator('[data-testid="viewport"][data-rendered="true"]')).toHaveCount(2);
});

test('a path the page names itself is refused, and so is a drop the page makes', async () => {
  const { page, bridge } = app;
  const instances = () => bridge.library.repo.db.prepare('SELECT count(*) AS n FROM instances').get();
  const before = instances();
  const studies = await page.getByTestId('study-row').count();
  const refusal = (channel: string, paths: string[]) =>
    page.evaluate(
      ([c, p]) =>
        window.lightbox.invoke(c as 'import:samples', { paths: p } as never).then(
          () => 'imported',
          (e: unknown) => (e as Error).message,
        ),
      [channel, paths] as const,
    );
  expect(await refusal('import:dropped', ['/'])).toBe(PRELOAD_CHANNEL_REFUSAL);
  expect(await refusal('import:dropped', [join(FIXTURES, 'dicom')])).toBe(PRELOAD_CHANNEL_REFUSAL);
  expect(await refusal('import:paths', ['/'])).toBe('Unknown request.');
  // Files the page makes have no location, even named like a file in the drop folder.
  const made = await page.evaluate(
    (name) =>
      window.lightbox
        .importDropped([new File([new Uint8Array(1)], name), new File([], '/'), '/etc' as never])
        .then(
          () => 'imported',
          (e: unknown) => (e as Error).message,
        ),
    NEVER_DROPPED,
  );
  expect(made).toBe(NOTHING_DROPPED);
  await dropPageFiles(page, [NEVER_DROPPED]);
  await expect(page.getByRole('alert')).toContainText(NOTHING_DROPPED);
  expect(instances()).toEqual(before);
  await expect(page.getByTestId('study-row')).toHaveCount(studies);
});
