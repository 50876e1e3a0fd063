// Hardening for every web contents the app ever creates (windows, webviews, DevTools), attached once
// through web-contents-created rather than per window, and for every session those contents use: no
// navigation, no popups, no webviews, no permissions, no network, DevTools only in development.
import { app, type BrowserWindow, type IpcMainInvokeEvent, type Session } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../protocol/serve-app-request';
import { isAllowedRequest } from './request-policy';

export const APP_ORIGIN = 'lightbox://app';

const hardened = new WeakSet<Session>();

export function hardenSession(ses: Session, development: boolean): void {
  if (hardened.has(ses)) return;
  hardened.add(ses);
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isAllowedRequest(details.url, development) });
  });
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });
}

/** Call before the first window: every web contents created afterwards is hardened as it is born. */
export function guardAllWebContents(development: boolean): void {
  app.on('web-contents-created', (_event, contents) => {
    hardenSession(contents.session, development);
    // Fires for the main frame and every subframe; loadURL from main does not emit it.
    contents.on('will-frame-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    if (!development) contents.on('devtools-opened', () => contents.closeDevTools());
  });
}

/** IPC is answered only for the app's own top-level page in one of our windows. */
export function isTrustedSender(event: IpcMainInvokeEvent, windows: () => BrowserWindow[]): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  if (!frame.url.startsWith(`${APP_ORIGIN}/`)) return false;
  return windows().some((w) => w.webContents.id === event.sender.id);
}
