// The preload exposes exactly one object, window.lightbox, built from the shared contract.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { eventChannels, isInvokeChannel, type Envelope } from '../shared/ipc-contract';
import type { LightboxApi } from './api';

const api: LightboxApi = {
  async invoke(channel, args) {
    if (!isInvokeChannel(channel)) throw new Error('Unknown request.');
    const envelope = (await ipcRenderer.invoke(channel, args)) as Envelope<never>;
    if (!envelope.ok) throw new Error(envelope.error);
    return envelope.value;
  },
  on(channel, listener) {
    if (!Object.prototype.hasOwnProperty.call(eventChannels, channel)) throw new Error('Unknown event.');
    const handler = (_event: Electron.IpcRendererEvent, payload: unknown): void =>
      listener(payload as Parameters<typeof listener>[0]);
    ipcRenderer.on(channel, handler);
    return () => ipcRenderer.removeListener(channel, handler);
  },
  pathForFile(file) {
    return webUtils.getPathForFile(file) || null;
  },
};

contextBridge.exposeInMainWorld('lightbox', api);
