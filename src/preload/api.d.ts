// The typing of window.lightbox, shared by the preload (Electron) and the test bridge client.
import type { ArgsOf, EventChannel, EventOf, InvokeChannel, ResultOf } from '../shared/ipc-contract';

export type LightboxApi = {
  invoke<C extends InvokeChannel>(channel: C, args: ArgsOf<C>): Promise<ResultOf<C>>;
  on<C extends EventChannel>(channel: C, listener: (event: EventOf<C>) => void): () => void;
  /** Path of a dropped File (Electron's webUtils); null where the host cannot tell. */
  pathForFile(file: File): string | null;
};

declare global {
  interface Window {
    lightbox: LightboxApi;
  }
}
