import { describe, expect, it } from 'vitest';
import { DEVTOOLS_ENV, DEVTOOLS_FLAG, isDevelopment } from '../../../src/main/electron/dev-mode';

describe('development mode', () => {
  const argv = ['/usr/bin/electron', '/repo'];

  it('needs an unpackaged app and an explicit flag or environment variable', () => {
    expect(isDevelopment({ isPackaged: false, argv, env: {} })).toBe(false);
    expect(isDevelopment({ isPackaged: false, argv: [...argv, DEVTOOLS_FLAG], env: {} })).toBe(true);
    expect(isDevelopment({ isPackaged: false, argv, env: { [DEVTOOLS_ENV]: '1' } })).toBe(true);
    expect(isDevelopment({ isPackaged: false, argv, env: { [DEVTOOLS_ENV]: '0' } })).toBe(false);
  });

  it('is never on in a packaged app, whatever its command line or environment', () => {
    expect(
      isDevelopment({ isPackaged: true, argv: [...argv, DEVTOOLS_FLAG], env: { [DEVTOOLS_ENV]: '1' } }),
    ).toBe(false);
  });
});
