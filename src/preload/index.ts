// The preload exposes exactly one object, window.lightbox, built from the shared contract.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import {
  eventChannels,
  isInvokeChannel,
  isPageChannel,
  PRELOAD_CHANNEL_REFUSAL,
  type Envelope,
  type InvokeChannel,
} from '../shared/ipc-contract';
import type { LightboxApi } from './api';
import { importDropped } from './dropped-files';

async function send(channel: InvokeChannel, args: unknown): Promise<never> {
  const envelope = (await ipcRenderer.invoke(channel, args)) as Envelope<never>;
  if (!envelope.ok) throw new Error(envelope.error);
  return envelope.value;
}

/** A File's path on disk; '' (so null) for a File the page made, and throws for anything not a File. */
const pathOf = (file: unknown): string | null => {
  try {
    return webUtils.getPathForFile(file as File) || null;
  } catch {
    return null;
  }
};

const api: LightboxApi = {
  async invoke(channel, args) {
    if (!isInvokeChannel(channel)) throw new Error('Unknown request.');
    if (!isPageChannel(channel)) throw new Error(PRELOAD_CHANNEL_REFUSAL);
    return send(channel, args);
  },
  on(channel, listener) {
    if (!Object.prototype.hasOwnProperty.call(eventChannels, channel)) throw new Error('Unknown event.');
    const handler = (_event: Electron.IpcRendererEvent, payload: unknown): void =>
      listener(payload as Parameters<typeof listener>[0]);
    ipcRenderer.on(channel, handler);
    return () => ipcRenderer.removeListener(channel, handler);
  },
  async importDropped(files) {
    return importDropped(files, pathOf, (paths) => send('import:dropped', { paths }));
  },
};

contextBridge.exposeInMainWorld('lightbox', api);
