// Electron entry: lifecycle, the lightbox:// protocol, the window, IPC. Everything else lives in
// services that the CLI and tests run without Electron.
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session } from 'electron';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { invokeChannels, type EventChannel, type EventOf } from '../../shared/ipc-contract';
import { dispatch } from '../ipc/dispatch';
import { createHandlers } from '../ipc/handlers';
import { log } from '../log';
import { DATABASE_FILE, MODEL_HASHES_FILE, siteConfigFile } from '../paths';
import { serveAppRequest } from '../protocol/serve-app-request';
import { RenderThread } from '../services/dicom/pixels';
import { createInferenceHost } from '../services/inference/inference-host';
import { Library } from '../services/library';
import { ProfileStore } from '../services/profile/profile-store';
import { secureWebPreferences } from '../web-preferences';
import { menuTemplate } from './app-menu';
import { isDevelopment } from './dev-mode';
import { utilityInference } from './inference-utility-process';
import { betterSqliteBinding } from './native-build';
import { APP_ORIGIN, guardAllWebContents, hardenSession, isTrustedSender } from './security';

protocol.registerSchemesAsPrivileged([
  { scheme: 'lightbox', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);

if (!app.requestSingleInstanceLock()) app.quit();

const development = isDevelopment({ isPackaged: app.isPackaged, argv: process.argv, env: process.env });
guardAllWebContents(development);

const resources = app.isPackaged ? process.resourcesPath : app.getAppPath();
const rendererDir = join(app.getAppPath(), 'dist', 'renderer');
const samplesDir = join(resources, 'samples', 'cxr');
const modelsDir = join(resources, 'models');

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1600,
    height: 1000,
    backgroundColor: '#111214',
    title: 'Lightbox',
    show: false,
    webPreferences: {
      ...secureWebPreferences(join(app.getAppPath(), 'dist', 'preload', 'index.cjs')),
      devTools: development,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

async function start(): Promise<void> {
  await app.whenReady();
  hardenSession(session.defaultSession, development);
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ platform: process.platform, development })));
  const userDataDir = app.getPath('userData');
  const samples = (await exists(samplesDir)) ? samplesDir : null;
  const library = Library.open(join(userDataDir, DATABASE_FILE), samples, {
    nativeBinding: betterSqliteBinding({
      isPackaged: app.isPackaged,
      appPath: app.getAppPath(),
      abi: process.versions.modules,
    }),
  });

  protocol.handle('lightbox', async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'app') return new Response('not found', { status: 404 });
    const answer = await serveAppRequest(library, rendererDir, url.pathname);
    return new Response(answer.body as ConstructorParameters<typeof Response>[0], {
      status: answer.status,
      headers: answer.headers,
    });
  });

  // Started with the first draft: a reader who never drafts never pays for the model.
  const inference = createInferenceHost(
    utilityInference(join(app.getAppPath(), 'dist', 'main', 'inference-worker.cjs')),
  );
  // Export images render in a worker thread (Electron reads worker scripts from the asar since v18).
  const renderThread = new RenderThread(join(app.getAppPath(), 'dist', 'main', 'render-thread.cjs'));
  const emit = <E extends EventChannel>(channel: E, payload: EventOf<E>): void => {
    for (const w of BrowserWindow.getAllWindows()) w.webContents.send(channel, payload);
  };
  const openDialog = async (options: Electron.OpenDialogOptions): Promise<string[] | null> => {
    const owner = BrowserWindow.getFocusedWindow();
    const result = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : result.filePaths;
  };
  const handlers = createHandlers({
    library,
    version: app.getVersion(),
    imageBaseUrl: `${APP_ORIGIN}/image/`,
    emit,
    pickPaths: (kind) =>
      openDialog({
        properties:
          kind === 'folder' ? ['openDirectory', 'multiSelections'] : ['openFile', 'multiSelections'],
        title: kind === 'folder' ? 'Open folder of studies' : 'Open DICOM files or DICOMDIR',
      }),
    drafting: {
      host: inference,
      modelsDir,
      hashCacheFile: join(userDataDir, MODEL_HASHES_FILE),
    },
    profile: new ProfileStore({
      userDataDir,
      siteConfigFile: siteConfigFile(userDataDir),
      secret: () => library.settings.pseudonymSecret(),
    }),
    pickExportDir: async () =>
      (
        await openDialog({
          properties: ['openDirectory', 'createDirectory'],
          title: 'Export feedback records to folder',
        })
      )?.[0] ?? null,
    renderPng: renderThread.render,
  });
  for (const channel of Object.keys(invokeChannels)) {
    ipcMain.handle(channel, (event, args: unknown) =>
      isTrustedSender(event, () => BrowserWindow.getAllWindows())
        ? dispatch(handlers, channel, args)
        : { ok: false, error: 'Request refused.' },
    );
  }

  if (process.argv.includes('--open-samples') && library.listStudies().length === 0 && library.samplesDir) {
    const report = await library.importSamples();
    log.info('imported samples', `${report.added} files`);
  }

  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => {
    void inference.dispose();
    void renderThread.close();
    library.close();
  });
}

function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

start().catch((err: unknown) => {
  log.error('startup failed', err instanceof Error ? err.name : 'unknown');
  dialog.showErrorBox('Lightbox could not start', err instanceof Error ? err.message : String(err));
  app.exit(1);
});
