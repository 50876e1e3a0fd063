import { describe, expect, it } from 'vitest';
import { isAllowedRequest } from '../../../src/main/electron/request-policy';

describe('which URLs a web contents may load', () => {
  it('the app’s own scheme and in-memory data, in every mode', () => {
    for (const development of [false, true]) {
      expect(isAllowedRequest('lightbox://app/index.html', development)).toBe(true);
      expect(isAllowedRequest('blob:lightbox://app/6f1c2b9e-0000-4000-8000-000000000000', development)).toBe(
        true,
      );
      expect(isAllowedRequest('data:image/png;base64,iVBORw0KGgo=', development)).toBe(true);
    }
  });

  it('DevTools’ pages only in development', () => {
    const devtools = 'devtools://devtools/bundled/devtools_app.html';
    expect(isAllowedRequest(devtools, false)).toBe(false);
    expect(isAllowedRequest(devtools, true)).toBe(true);
  });

  it('nothing remote or local to the machine, and nothing that is not a URL', () => {
    for (const url of [
      'https://example.com/',
      'http://127.0.0.1:8042/dicom-web/studies',
      'ws://localhost:9222/',
      'file:///etc/passwd',
      'chrome://gpu',
      'chrome-extension://abc/x.js',
      'lightboxx://app/',
      'not a url',
      '',
    ]) {
      expect(isAllowedRequest(url, true), url).toBe(false);
    }
  });
});
