// Entry of the inference process (bundled to dist/main/inference-worker.cjs). onnxruntime's run() blocks
// its thread, so drafting lives here, out of the app's main process. The parent is a Node parent
// (child_process.fork: process.send) or the Electron main process (utilityProcess: process.parentPort);
// the messages are the same. Drafts and groundings run one at a time, in the order they came.
import { z } from 'zod';
import { toInferenceSchema, type FromInference } from '../../../shared/draft';
import { ModelCache } from './engine/open-model';
import { DraftCancelledError, draftStudy } from './draft-study';
import { groundPhrase } from './ground-phrase';
import { DraftImageChangedError } from './image-changed';

type ParentPort = {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
};
type Channel = { send(message: FromInference): void; onMessage(listener: (message: unknown) => void): void };

function parentChannel(): Channel {
  const port = (process as NodeJS.Process & { parentPort?: ParentPort }).parentPort;
  if (port)
    return { send: (m) => port.postMessage(m), onMessage: (l) => port.on('message', (e) => l(e.data)) };
  const send = process.send?.bind(process);
  if (!send) throw new Error('the inference worker must be started by Lightbox, with a message channel');
  // Without its parent nobody reads the drafts: leave rather than linger.
  process.on('disconnect', () => process.exit(0));
  return { send: (m) => send(m), onMessage: (l) => process.on('message', l) };
}

const channel = parentChannel();
const models = new ModelCache();
const controllers = new Map<number, AbortController>();
let queue = Promise.resolve();

channel.onMessage((raw) => {
  const parsed = toInferenceSchema.safeParse(raw);
  if (!parsed.success) {
    const id = z.object({ id: z.number().int() }).safeParse(raw);
    if (id.success)
      channel.send({
        type: 'failed',
        id: id.data.id,
        message: `invalid request: ${z.prettifyError(parsed.error)}`,
        cancelled: false,
      });
    return;
  }
  const message = parsed.data;
  if (message.type === 'cancel') {
    controllers.get(message.id)?.abort();
    return;
  }
  const { id } = message;
  const controller = new AbortController();
  controllers.set(id, controller);
  queue = queue.then(async () => {
    try {
      if (controller.signal.aborted) throw new DraftCancelledError();
      const context = { models, signal: controller.signal };
      if (message.type === 'ground')
        channel.send({ type: 'grounded', id, result: await groundPhrase(message.request, context) });
      else {
        const draft = await draftStudy(message.request, {
          ...context,
          onEvent: (event) => channel.send({ type: 'event', id, event }),
        });
        channel.send({ type: 'done', id, draft });
      }
    } catch (err) {
      const cancelled = err instanceof DraftCancelledError;
      channel.send({
        type: 'failed',
        id,
        message: err instanceof Error ? err.message : String(err),
        cancelled,
        ...(err instanceof DraftImageChangedError ? { imageChanged: true } : {}),
      });
    } finally {
      controllers.delete(id);
    }
  });
});

channel.send({ type: 'ready' });
