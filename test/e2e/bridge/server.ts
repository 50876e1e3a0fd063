// The browser test bridge: the real main-process services and handlers behind a local HTTP
// server, with a client script that gives the page the same window.lightbox the preload does.
import { build } from 'esbuild';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createHandlers } from '../../../src/main/ipc/handlers';
import { RenderThread } from '../../../src/main/services/dicom/pixels';
import { dispatch } from '../../../src/main/ipc/dispatch';
import { serveAppRequest } from '../../../src/main/protocol/serve-app-request';
import type { DraftLimits } from '../../../src/main/services/inference/draft-service';
import { forkInference } from '../../../src/main/services/inference/fork-inference-process';
import { createInferenceHost } from '../../../src/main/services/inference/inference-host';
import { Library } from '../../../src/main/services/library';
import { SITE_CONFIG_FILE } from '../../../src/main/paths';
import { ProfileStore } from '../../../src/main/services/profile/profile-store';
import type { Role } from '../../../src/shared/reading';
import type { EventChannel, EventOf } from '../../../src/shared/ipc-contract';

const ROOT = resolve(import.meta.dirname, '../../..');

export type BridgeOptions = {
  userDataDir?: string;
  samplesDir?: string | null;
  /** What the "open" dialog returns; the browser has no native dialog. */
  pickPaths?: string[] | null;
  /** Folder whose files stand in for dropped files, by name (Electron's webUtils.getPathForFile). */
  dropDir?: string;
  rendererDir?: string;
  /** Where drafts find their pack (default: the repository's models/). */
  modelsDir?: string;
  /** Token budgets of drafts, small for an untrained test pack. */
  draftLimits?: DraftLimits;
  /** What the export dialog returns (default: cancelled). */
  exportDir?: string | null;
  /** Written as <userDataDir>/site.json: an object as JSON, a string as it is (to test a broken file). */
  siteConfig?: Record<string, unknown> | string;
  /** A local profile chosen before the page opens (skips the role question). */
  profile?: { displayName: string; role: Role };
};

export type Bridge = { url: string; library: Library; close(): Promise<void> };

/** The inference worker from its TypeScript source, as a Node child process (the app's is a utility process). */
const INFERENCE_WORKER = join(ROOT, 'src/main/services/inference/inference-worker.ts');
/** Export images render in a worker thread, as in the app. */
const RENDER_THREAD = join(ROOT, 'src/main/services/dicom/pixels/render-thread.ts');

async function clientScript(dropDir: string | null): Promise<string> {
  const out = await build({
    define: { __DROP_DIR__: JSON.stringify(dropDir) },
    entryPoints: [join(import.meta.dirname, 'client.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
  });
  return out.outputFiles[0]!.text;
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startBridge(options: BridgeOptions = {}): Promise<Bridge> {
  const userDataDir = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'lightbox-bridge-'));
  const rendererDir = options.rendererDir ?? join(ROOT, 'dist/renderer');
  const samplesDir = options.samplesDir === undefined ? join(ROOT, 'samples', 'cxr') : options.samplesDir;
  const library = Library.open(join(userDataDir, 'lightbox.sqlite'), samplesDir);
  const client = await clientScript(options.dropDir ?? null);
  const siteFile = join(userDataDir, SITE_CONFIG_FILE);
  if (options.siteConfig !== undefined) {
    const { siteConfig } = options;
    writeFileSync(siteFile, typeof siteConfig === 'string' ? siteConfig : JSON.stringify(siteConfig));
  }
  // The bridge's own file, never LIGHTBOX_SITE_CONFIG: a developer's environment must not leak into tests.
  const profile = new ProfileStore({
    userDataDir,
    siteConfigFile: siteFile,
    secret: () => library.settings.pseudonymSecret(),
  });
  if (options.profile) profile.set(options.profile.displayName, options.profile.role);
  const listeners = new Set<ServerResponse>();
  let origin = '';
  const inference = createInferenceHost(forkInference(INFERENCE_WORKER));
  const renderThread = new RenderThread(RENDER_THREAD);

  const handlers = createHandlers({
    library,
    version: 'bridge',
    get imageBaseUrl() {
      return `${origin}/image/`;
    },
    emit: <E extends EventChannel>(channel: E, payload: EventOf<E>) => {
      const data = `data: ${JSON.stringify({ channel, payload })}\n\n`;
      for (const res of listeners) res.write(data);
    },
    pickPaths: async () => options.pickPaths ?? null,
    drafting: {
      host: inference,
      modelsDir: options.modelsDir ?? join(ROOT, 'models'),
      hashCacheFile: join(userDataDir, 'model-pack-hashes.json'),
      threads: 2,
      ...(options.draftLimits ? { limits: options.draftLimits } : {}),
    },
    profile,
    pickExportDir: async () => options.exportDir ?? null,
    renderPng: renderThread.render,
  });

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    try {
      if (req.method === 'POST' && url.pathname.startsWith('/__bridge/invoke/')) {
        const channel = decodeURIComponent(url.pathname.slice('/__bridge/invoke/'.length));
        let args: unknown;
        try {
          args = JSON.parse(await readBody(req, 2_000_000));
        } catch {
          args = undefined;
        }
        const envelope = await dispatch(handlers, channel, args);
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(envelope));
      } else if (url.pathname === '/__bridge/events') {
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
        res.write(': connected\n\n');
        listeners.add(res);
        req.on('close', () => listeners.delete(res));
      } else if (url.pathname === '/__bridge/client.js') {
        res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(client);
      } else {
        const answer = await serveAppRequest(library, rendererDir, url.pathname);
        let body = answer.body;
        if (url.pathname === '/' || url.pathname === '/index.html') {
          // The bridge's window.lightbox must exist before the app's scripts run, as a preload's does.
          body = (typeof body === 'string' ? body : new TextDecoder().decode(body)).replace(
            '<head>',
            '<head><script src="/__bridge/client.js"></script>',
          );
        }
        res.writeHead(answer.status, answer.headers).end(body);
      }
    } catch (err) {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(err));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: `${origin}/`,
    library,
    close: async () => {
      for (const res of listeners) res.end();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await inference.dispose();
      await renderThread.close();
      library.close();
    },
  };
}
