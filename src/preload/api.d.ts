// The typing of window.lightbox, shared by the preload (Electron) and the test bridge client.
import type { ImportReport } from '../shared/domain';
import type { ArgsOf, EventChannel, EventOf, PageChannel, ResultOf } from '../shared/ipc-contract';

export type LightboxApi = {
  invoke<C extends PageChannel>(channel: C, args: ArgsOf<C>): Promise<ResultOf<C>>;
  on<C extends EventChannel>(channel: C, listener: (event: EventOf<C>) => void): () => void;
  /** Imports the files and folders of a drop on the window: the page hands over Files, never paths. */
  importDropped(files: readonly File[]): Promise<ImportReport>;
};

declare global {
  interface Window {
    lightbox: LightboxApi;
  }
}
