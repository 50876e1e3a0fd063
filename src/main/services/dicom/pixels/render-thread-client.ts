// Renders PNGs in a worker thread (render-thread.ts), so the app's main process stays responsive during an
// export. The thread starts with the first image, stops after a quiet spell, and is started again after a
// crash; a crash fails only the images it was rendering, with a message that says so.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { RenderPng, PngRendition } from './render-png';
import type { RenderReply, RenderRequest } from './render-thread-messages';

type Pending = { resolve: (r: PngRendition) => void; reject: (e: Error) => void };

/** The bundled dist/main/render-thread.cjs, or its TypeScript source through tsx's require hook (tests). */
function startWorker(workerPath: string): Worker {
  if (!workerPath.endsWith('.ts')) return new Worker(workerPath);
  const tsx = createRequire(workerPath).resolve('tsx/cjs/api');
  const source = `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(workerPath)});`;
  return new Worker(source, { eval: true });
}

export class RenderThread {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idle: NodeJS.Timeout | null = null;

  constructor(
    private readonly workerPath: string,
    private readonly idleMs = 30_000,
  ) {}

  readonly render: RenderPng = (bytes, options) =>
    new Promise<PngRendition>((resolve, reject) => {
      const worker = this.ensureWorker();
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, bytes, options } satisfies RenderRequest);
    });

  /** Stops the thread; images still rendering fail. */
  async close(): Promise<void> {
    this.clearIdle();
    const worker = this.worker;
    this.worker = null;
    this.failAll(new Error('the render thread was closed'));
    await worker?.terminate();
  }

  private ensureWorker(): Worker {
    this.clearIdle();
    if (this.worker) return this.worker;
    const worker = startWorker(this.workerPath);
    worker.unref();
    worker.on('message', (reply: RenderReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiting.resolve({ info: reply.info, png: reply.png });
      else waiting.reject(new Error(reply.error));
      if (this.pending.size === 0) this.scheduleStop();
    });
    const lost = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.failAll(new Error(`the render thread ${reason}`));
    };
    worker.on('error', (err) => lost(`failed (${err.message})`));
    worker.on('exit', (code) => lost(`stopped (exit code ${code})`));
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const w of waiting) w.reject(error);
  }

  private scheduleStop(): void {
    this.idle = setTimeout(() => void this.close(), this.idleMs);
    this.idle.unref();
  }

  private clearIdle(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
  }
}
