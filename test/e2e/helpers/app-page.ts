/// <reference lib="dom" />
// One bridge and one page per spec file: a fresh user-data folder, so each file starts empty.
import type { Browser, Page } from '@playwright/test';
import { startBridge, type Bridge, type BridgeOptions } from '../bridge/server';
import { tempDir } from './fixture-dirs';

export type AppPage = {
  page: Page;
  url: string;
  /** The services behind the page, for what a spec sets up or checks directly. */
  bridge: Bridge;
  problems: string[];
  close(): Promise<void>;
};

/** The reader every spec starts as, unless it passes a profile of its own (or `profile: undefined`). */
export const E2E_READER: NonNullable<BridgeOptions['profile']> = {
  displayName: 'E2E Reader',
  role: 'radiologist',
};

export async function openApp(browser: Browser, options: BridgeOptions, query = ''): Promise<AppPage> {
  const bridge = await startBridge({ userDataDir: tempDir(), profile: E2E_READER, ...options });
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.text().includes('Content Security Policy')) problems.push(`CSP: ${m.text()}`);
  });
  await page.goto(`${bridge.url}${query}`);
  return {
    page,
    url: bridge.url,
    bridge,
    problems,
    close: async () => {
      await page.close();
      await bridge.close();
    },
  };
}

/** Imports the samples through the first-start offer and waits for the worklist. */
export async function importSamples(page: Page, studies: number): Promise<void> {
  await page.getByRole('button', { name: 'Open sample studies' }).click();
  await page
    .getByTestId('study-row')
    .nth(studies - 1)
    .waitFor();
}

/** Drops these files on the middle of the window as a desktop drag does: the browser delivers the drop. */
export async function dropFiles(page: Page, paths: string[]): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const { width, height } = page.viewportSize() ?? { width: 800, height: 600 };
  const data = { items: [], files: paths, dragOperationsMask: 1 };
  for (const type of ['dragEnter', 'dragOver', 'drop'] as const) {
    await cdp.send('Input.dispatchDragEvent', { type, x: width / 2, y: height / 2, data });
  }
  await cdp.detach();
}

/** Dispatches a drop the page makes itself, of Files it builds with these names (no file on disk). */
export async function dropPageFiles(page: Page, names: string[]): Promise<void> {
  await page.evaluate((fileNames) => {
    const data = new DataTransfer();
    for (const name of fileNames) data.items.add(new File([new Uint8Array(1)], name));
    for (const type of ['dragenter', 'dragover', 'drop']) {
      window.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
    }
  }, names);
}
