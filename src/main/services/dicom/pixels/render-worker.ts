// worker_threads entry: renders files posted by the pool off the main thread. Bundle it as its
// own entry and pass that file to createRenderPool({ workerScript }).
import { parentPort } from 'node:worker_threads';
import { renderFile } from './render-file';
import { serializeError, type RenderReply, type RenderTask } from './worker-protocol';

const port = parentPort;
if (!port) throw new Error('render-worker must run in a worker thread');

port.on('message', (task: RenderTask) => {
  renderFile(task.path, task.options).then(
    (rendition) => {
      const reply: RenderReply = { id: task.id, ok: true, rendition };
      port.postMessage(reply, [rendition.pixels.buffer as ArrayBuffer]);
    },
    (err: unknown) => {
      const reply: RenderReply = { id: task.id, ok: false, error: serializeError(err) };
      port.postMessage(reply);
    },
  );
});
