import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { menuTemplate } from '../../../src/main/electron/app-menu';

const roles = (items: MenuItemConstructorOptions[]): string[] =>
  items.flatMap((item) => [
    ...(item.role ? [item.role] : []),
    ...(Array.isArray(item.submenu) ? roles(item.submenu) : []),
  ]);

// Roles that come with a submenu of Electron's: only those whose default items carry no developer tools.
const SAFE_MENU_ROLES = ['appMenu', 'fileMenu', 'editMenu', 'windowMenu'];
const DEVELOPER_ROLES = ['toggleDevTools', 'reload', 'forceReload'];

describe('the application menu', () => {
  for (const platform of ['darwin', 'win32', 'linux'] as const) {
    it(`has no developer tools in production on ${platform}`, () => {
      const template = menuTemplate({ platform, development: false });
      const used = roles(template);
      for (const role of DEVELOPER_ROLES) expect(used).not.toContain(role);
      // viewMenu and the default menu would bring Toggle Developer Tools back implicitly.
      for (const item of template) if (item.role) expect(SAFE_MENU_ROLES).toContain(item.role);
      expect(used).toEqual(expect.arrayContaining(['editMenu', 'zoomIn', 'zoomOut', 'resetZoom']));
    });

    it(`offers Toggle Developer Tools and Reload in development on ${platform}`, () => {
      expect(roles(menuTemplate({ platform, development: true }))).toEqual(
        expect.arrayContaining(DEVELOPER_ROLES),
      );
    });
  }

  it('has the macOS application menu only on macOS', () => {
    expect(roles(menuTemplate({ platform: 'darwin', development: false }))).toContain('appMenu');
    expect(roles(menuTemplate({ platform: 'win32', development: false }))).not.toContain('appMenu');
  });
});
