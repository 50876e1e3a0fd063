// The application menu. Electron's default menu carries Reload and Toggle Developer Tools (and
// their shortcuts); production gets editing, zoom and window items only.
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuMode {
  platform: NodeJS.Platform;
  development: boolean;
}

export function menuTemplate({ platform, development }: MenuMode): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const view: MenuItemConstructorOptions[] = [
    ...(development
      ? ([
          { role: 'reload' },
          { role: 'forceReload' },
          { role: 'toggleDevTools' },
          { type: 'separator' },
        ] satisfies MenuItemConstructorOptions[])
      : []),
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  return [
    ...(mac ? ([{ role: 'appMenu' }] satisfies MenuItemConstructorOptions[]) : []),
    { role: 'fileMenu' },
    // Without an Edit menu, copy and paste shortcuts do not reach text fields on macOS.
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
  ];
}
