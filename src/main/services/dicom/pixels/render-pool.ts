// A small pool of render workers behind a promise API, so decoding a 4k×4k JPEG 2000 never blocks
// the Electron main process. Without a worker script it renders in this thread (tests, CLI).
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { PixelDataError } from './errors';
import { renderFile, type FileRendition, type RenderOptions } from './render-file';
import { deserializeError, type RenderReply, type RenderTask } from './worker-protocol';

export type RenderPoolOptions = {
  /** Path of the bundled render-worker entry (e.g. dist/main/render-worker.cjs); omit to render in-thread. */
  workerScript?: string;
  /** Number of workers; default: one less than the cores, at least 1, at most 4. */
  size?: number;
  /** A frame that takes longer is abandoned and its worker replaced; default 120 s. */
  taskTimeoutMs?: number;
};

export type RenderPool = {
  renderFile(path: string, options?: RenderOptions): Promise<FileRendition>;
  /** Stops the workers; pending renders are rejected. */
  close(): Promise<void>;
};

type Pending = RenderTask & { resolve: (r: FileRendition) => void; reject: (e: Error) => void };
type Slot = { worker: Worker; task?: Pending; timer?: NodeJS.Timeout };

export function createRenderPool(options: RenderPoolOptions = {}): RenderPool {
  const { workerScript } = options;
  if (!workerScript) {
    return { renderFile: (path, renderOptions) => renderFile(path, renderOptions), close: async () => {} };
  }
  const size = options.size ?? Math.min(4, Math.max(1, availableParallelism() - 1));
  const timeoutMs = options.taskTimeoutMs ?? 120_000;
  const queue: Pending[] = [];
  const slots: Slot[] = [];
  let nextId = 1;
  let closed = false;

  const finish = (slot: Slot): Pending | undefined => {
    const task = slot.task;
    clearTimeout(slot.timer);
    slot.task = undefined;
    slot.worker.unref();
    return task;
  };

  const replace = (slot: Slot, error: Error): void => {
    finish(slot)?.reject(error);
    void slot.worker.terminate();
    if (closed) return;
    slots[slots.indexOf(slot)] = spawn();
    dispatch();
  };

  const spawn = (): Slot => {
    const slot: Slot = { worker: new Worker(workerScript) };
    slot.worker.unref();
    slot.worker.on('message', (reply: RenderReply) => {
      const task = finish(slot);
      if (task && reply.ok) task.resolve(reply.rendition);
      else if (task && !reply.ok) task.reject(deserializeError(reply.error));
      dispatch();
    });
    slot.worker.on('error', (err) => replace(slot, err));
    slot.worker.on('exit', (code) => {
      if (slots.includes(slot) && !closed) replace(slot, new Error(`render worker exited with code ${code}`));
    });
    return slot;
  };

  const dispatch = (): void => {
    for (const slot of slots) {
      if (slot.task) continue;
      const task = queue.shift();
      if (!task) return;
      slot.task = task;
      slot.worker.ref();
      slot.timer = setTimeout(
        () =>
          replace(slot, new PixelDataError('corrupt', `rendering took longer than ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      const message: RenderTask = { id: task.id, path: task.path, options: task.options };
      slot.worker.postMessage(message);
    }
  };

  for (let i = 0; i < size; i++) slots.push(spawn());

  return {
    renderFile(path, renderOptions = {}) {
      if (closed) return Promise.reject(new Error('render pool is closed'));
      return new Promise((resolve, reject) => {
        queue.push({ id: nextId++, path, options: renderOptions, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const task of queue.splice(0)) task.reject(new Error('render pool closed'));
      await Promise.all(
        slots.map((slot) => {
          finish(slot)?.reject(new Error('render pool closed'));
          return slot.worker.terminate();
        }),
      );
    },
  };
}
