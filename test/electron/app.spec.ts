/// <reference lib="dom" />
// Runs against the real Electron binary (see scripts/run-electron-tests.mjs): the security
// defaults only Electron itself can prove.
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NOTHING_DROPPED } from '../../src/preload/dropped-files';
import { PRELOAD_CHANNEL_REFUSAL } from '../../src/shared/ipc-contract';

const ROOT = resolve(import.meta.dirname, '../..');
let app: ElectronApplication;
let page: Page;

test.beforeAll(async () => {
  app = await electron.launch({
    args: [ROOT, `--user-data-dir=${mkdtempSync(join(tmpdir(), 'lightbox-electron-'))}`],
    env: { ...process.env, LIGHTBOX_LOG: 'quiet' },
  });
  page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
});

test.afterAll(async () => {
  await app?.close();
});

test('the page sees exactly one API object and no Node', async () => {
  expect(await page.evaluate(() => Object.keys(window.lightbox).sort())).toEqual([
    'importDropped',
    'invoke',
    'on',
  ]);
  expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
  expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
});

test('IPC validates arguments from the renderer', async () => {
  const error = await page.evaluate(() =>
    window.lightbox.invoke('studies:get', { studyId: '../../etc/passwd' }).then(
      () => 'accepted',
      (e: Error) => e.message,
    ),
  );
  expect(error).toMatch(/Invalid request arguments/);
});

test('navigation, popups and remote content are refused', async () => {
  const before = page.url();
  await page.evaluate(() => {
    window.location.href = 'https://example.com/';
  });
  await page.waitForTimeout(500);
  expect(page.url()).toBe(before);
  expect(await page.evaluate(() => window.open('https://example.com/') === null)).toBe(true);
  const fetched = await page.evaluate(() =>
    fetch('https://example.com/').then(
      () => 'loaded',
      () => 'blocked',
    ),
  );
  expect(fetched).toBe('blocked');
});

test('the image protocol refuses paths', async () => {
  const status = await page.evaluate(() =>
    fetch('lightbox://app/image/..%2f..%2fetc%2fpasswd').then((r) => r.status),
  );
  expect(status).toBe(400);
});

test('the page cannot name a path to import, and Files it makes have none', async () => {
  const answers = await page.evaluate(async () => {
    const message = (p: Promise<unknown>) =>
      p.then(
        () => 'imported',
        (e: Error) => e.message,
      );
    return [
      await message(window.lightbox.invoke('import:dropped' as 'import:samples', { paths: ['/'] } as never)),
      await message(window.lightbox.importDropped([new File([new Uint8Array(1)], 'a.dcm')])),
    ];
  });
  expect(answers).toEqual([PRELOAD_CHANNEL_REFUSAL, NOTHING_DROPPED]);
});
