// window.lightbox over HTTP, with the same contract and the same error behaviour as the preload.
import type { LightboxApi } from '../../../src/preload/api';
import type { Envelope } from '../../../src/shared/ipc-contract';

declare const __DROP_DIR__: string | null;
const dropDir = __DROP_DIR__;

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();
const events = new EventSource('/__bridge/events');
events.onmessage = (message) => {
  const { channel, payload } = JSON.parse(String(message.data)) as { channel: string; payload: unknown };
  for (const listener of listeners.get(channel) ?? []) listener(payload);
};

const api: LightboxApi = {
  async invoke(channel, args) {
    const res = await fetch(`/__bridge/invoke/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(args),
    });
    const envelope = (await res.json()) as Envelope<never>;
    if (!envelope.ok) throw new Error(envelope.error);
    return envelope.value;
  },
  on(channel, listener) {
    const set = listeners.get(channel) ?? new Set<Listener>();
    listeners.set(channel, set);
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  },
  pathForFile(file) {
    return dropDir ? `${dropDir}/${file.name}` : null;
  },
};

Object.defineProperty(window, 'lightbox', { value: Object.freeze(api), writable: false });
