// Entry of the render thread (bundled to dist/main/render-thread.cjs): decoding and PNG encoding of a whole
// radiograph takes long enough to stall the app's main process, so exports render here.
import { parentPort } from 'node:worker_threads';
import { describeThrown } from './errors';
import { renderPng } from './render-png';
import type { RenderReply, RenderRequest } from './render-thread-messages';

const port = parentPort;
if (!port) throw new Error('render-thread runs as a worker thread');
port.on('message', (request: RenderRequest) => {
  renderPng(request.bytes, request.options).then(
    // Copied, not transferred: a small PNG may sit in Node's shared Buffer pool.
    ({ info, png }) => port.postMessage({ id: request.id, ok: true, info, png } satisfies RenderReply),
    (err: unknown) =>
      port.postMessage({ id: request.id, ok: false, error: describeThrown(err) } satisfies RenderReply),
  );
});
