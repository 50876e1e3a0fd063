// Hardening that applies to every window: no navigation, no popups, no permissions, no network.
import { session, type BrowserWindow, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../protocol/serve-app-request';

export const APP_ORIGIN = 'lightbox://app';

export function hardenSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  // No remote content: only the app's own scheme (and devtools) may load.
  ses.webRequest.onBeforeRequest((details, callback) => {
    const allowed = /^(lightbox|devtools|blob|data):/.test(details.url);
    callback({ cancel: !allowed });
  });
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });
}

export function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** IPC is answered only for the app's own top-level page in one of our windows. */
export function isTrustedSender(event: IpcMainInvokeEvent, windows: () => BrowserWindow[]): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  if (!frame.url.startsWith(`${APP_ORIGIN}/`)) return false;
  return windows().some((w) => w.webContents.id === event.sender.id);
}
