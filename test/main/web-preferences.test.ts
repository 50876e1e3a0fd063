import { describe, expect, it } from 'vitest';
import { secureWebPreferences } from '../../src/main/web-preferences';

describe('window web preferences', () => {
  it('isolate and sandbox the renderer with no Node', () => {
    expect(secureWebPreferences('/p.cjs')).toEqual({
      preload: '/p.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    });
  });
});
