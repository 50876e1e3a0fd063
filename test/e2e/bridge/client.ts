// window.lightbox over HTTP, with the same contract and the same error behaviour as the preload.
import { importDropped } from '../../../src/preload/dropped-files';
import type { LightboxApi } from '../../../src/preload/api';
import {
  isInvokeChannel,
  isPageChannel,
  PRELOAD_CHANNEL_REFUSAL,
  type Envelope,
} from '../../../src/shared/ipc-contract';

declare const __DROP_DIR__: string | null;
const dropDir = __DROP_DIR__;

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();
const events = new EventSource('/__bridge/events');
events.onmessage = (message) => {
  const { channel, payload } = JSON.parse(String(message.data)) as { channel: string; payload: unknown };
  for (const listener of listeners.get(channel) ?? []) listener(payload);
};

async function send(channel: string, args: unknown): Promise<never> {
  const res = await fetch(`/__bridge/invoke/${encodeURIComponent(channel)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(args),
  });
  const envelope = (await res.json()) as Envelope<never>;
  if (!envelope.ok) throw new Error(envelope.error);
  return envelope.value;
}

/**
 * Stands in for Electron's webUtils.getPathForFile, which knows the path of a File the user dropped and
 * of no other: a File from a drop the browser itself delivered (a trusted event, as a desktop drag is)
 * is the file of that name in the bridge's drop folder; a File the page made, or dispatched in a drop
 * of its own, has no location.
 */
const userDropped = new WeakSet<File>();
window.addEventListener(
  'drop',
  (e) => {
    if (e.isTrusted) for (const file of Array.from(e.dataTransfer?.files ?? [])) userDropped.add(file);
  },
  true,
);
const pathOf = (file: unknown): string | null =>
  dropDir && file instanceof File && userDropped.has(file) ? `${dropDir}/${file.name}` : null;

const api: LightboxApi = {
  async invoke(channel, args) {
    if (!isInvokeChannel(channel)) throw new Error('Unknown request.');
    if (!isPageChannel(channel)) throw new Error(PRELOAD_CHANNEL_REFUSAL);
    return send(channel, args);
  },
  on(channel, listener) {
    const set = listeners.get(channel) ?? new Set<Listener>();
    listeners.set(channel, set);
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  },
  async importDropped(files) {
    return importDropped(files, pathOf, (paths) => send('import:dropped', { paths }));
  },
};

Object.defineProperty(window, 'lightbox', { value: Object.freeze(api), writable: false });
