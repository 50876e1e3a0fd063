/// <reference lib="dom" />
// Runs against the real Electron binary (see scripts/run-electron-tests.mjs): the security
// defaults only Electron itself can prove.
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  addonAbi,
  BUILD_RECORD,
  electronBinary,
  electronBuildDir,
  parseBuildRecord,
} from '../../src/main/electron/native-build';
import { NOTHING_DROPPED } from '../../src/preload/dropped-files';
import { PRELOAD_CHANNEL_REFUSAL } from '../../src/shared/ipc-contract';

const ROOT = resolve(import.meta.dirname, '../..');
const { getAbi } = createRequire(import.meta.url)('node-abi') as {
  getAbi(target: string, runtime: 'electron'): string;
};
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

test('the application menu has no developer tools without --devtools', async () => {
  const roles = await app.evaluate(({ Menu }) => {
    const walk = (menu: Electron.Menu): string[] =>
      menu.items.flatMap((item) => [String(item.role ?? ''), ...(item.submenu ? walk(item.submenu) : [])]);
    const menu = Menu.getApplicationMenu();
    return menu ? walk(menu).map((role) => role.toLowerCase()) : [];
  });
  expect(roles).toEqual(expect.arrayContaining(['copy', 'paste', 'zoomin']));
  expect(roles).not.toContain('toggledevtools');
  expect(roles).not.toContain('reload');
});

test('developer tools do not open outside development', async () => {
  const opened = await app.evaluate(async ({ BrowserWindow }) => {
    const contents = BrowserWindow.getAllWindows()[0]!.webContents;
    contents.openDevTools({ mode: 'detach' });
    await new Promise((done) => setTimeout(done, 1000));
    return contents.isDevToolsOpened();
  });
  expect(opened).toBe(false);
});

test('a web contents the app did not create through its window code is hardened too', async () => {
  const result = await app.evaluate(async ({ BrowserWindow }) => {
    const win = new BrowserWindow({ show: false });
    await win.loadURL('data:text/html,<p>stray</p>');
    const before = win.webContents.getURL();
    await win.webContents.executeJavaScript("location.href = 'lightbox://app/index.html'; 1");
    await new Promise((done) => setTimeout(done, 500));
    const after = win.webContents.getURL();
    const popup = await win.webContents.executeJavaScript(
      "window.open('lightbox://app/index.html') === null",
    );
    const geolocation = await win.webContents.executeJavaScript(
      "navigator.permissions.query({ name: 'geolocation' }).then((p) => p.state)",
    );
    win.destroy();
    return { before, after, popup, geolocation };
  });
  expect(result.after).toBe(result.before);
  expect(result.popup).toBe(true);
  expect(result.geolocation).toBe('denied');
});

test('the main process runs on Electron’s own better-sqlite3 build, made for its ABI', async () => {
  const main = await app.evaluate(() => ({
    abi: process.versions.modules,
    electron: process.versions.electron,
    sharedObjects: (process.report.getReport() as { sharedObjects: string[] }).sharedObjects,
  }));
  const installed = (
    JSON.parse(readFileSync(join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as { version: string }
  ).version;
  expect(main.electron).toBe(installed);
  expect(main.abi).toBe(getAbi(installed, 'electron'));
  const record = parseBuildRecord(readFileSync(join(electronBuildDir(ROOT, main.abi), BUILD_RECORD), 'utf8'));
  expect(record).toMatchObject({ electron: installed, abi: main.abi });
  const binary = realpathSync(electronBinary(ROOT, main.abi, 'better-sqlite3'));
  expect(addonAbi(readFileSync(binary))).toEqual({ kind: 'v8', abi: main.abi });
  const loaded = main.sharedObjects.map((file) =>
    file.includes('better_sqlite3') ? realpathSync(file) : file,
  );
  expect(loaded).toContain(binary);
  // Node's build in node_modules stays for the CLI and the tests; Electron never loads it.
  expect(loaded.filter((file) => file.includes('better_sqlite3') && file !== binary)).toEqual([]);
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
