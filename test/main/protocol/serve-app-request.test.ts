import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, serveAppRequest } from '../../../src/main/protocol/serve-app-request';
import { Library } from '../../../src/main/services/library';
import { SAMPLES } from '../../helpers/paths';
import { useTempDirs } from '../../helpers/temp-dir';

const tempDir = useTempDirs();

async function setup() {
  const root = tempDir();
  const rendererDir = join(root, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<html></html>');
  writeFileSync(join(rendererDir, 'assets/app.js'), 'console.log(1)');
  writeFileSync(join(root, 'secret.txt'), 'secret');
  const library = Library.open(join(root, 'db.sqlite'), null);
  const report = await library.importPaths([join(SAMPLES, 'cxr/siim-acr_nih_CR_jpegbaseline.dcm')]);
  const instanceId = library.getStudy(report.studyIds[0]!).series[0]!.instances[0]!.id;
  return { library, rendererDir, instanceId };
}

describe('app protocol', () => {
  it('serves the renderer with the CSP and indexed images by id only', async () => {
    const { library, rendererDir, instanceId } = await setup();
    const index = await serveAppRequest(library, rendererDir, '/');
    expect(index.status).toBe(200);
    expect(index.headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*/);
    expect((await serveAppRequest(library, rendererDir, '/assets/app.js')).headers['Content-Type']).toMatch(
      /javascript/,
    );
    const image = await serveAppRequest(library, rendererDir, `/image/${instanceId}`);
    expect(image.status).toBe(200);
    expect(image.headers['Content-Type']).toBe('application/dicom');
    expect((image.body as Uint8Array).byteLength).toBeGreaterThan(100_000);
    library.close();
  });

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/%2e%2e%5csecret.txt',
    '/assets/%00.js',
    '/%E0%A4%A',
  ])('refuses traversal %s', async (path) => {
    const { library, rendererDir } = await setup();
    const answer = await serveAppRequest(library, rendererDir, path);
    expect(answer.status).toBe(400);
    library.close();
  });

  // Encoded twice, overlong UTF-8, doubled or Windows separators, NUL: refused, or looked up as a literal
  // name inside the renderer folder and not found; never served from outside it.
  it.each([
    '/%252e%252e/secret.txt',
    '/..%252fsecret.txt',
    '/%c0%ae%c0%ae/secret.txt',
    '/assets/..%c0%afsecret.txt',
    '/.%2e/secret.txt',
    '//..//secret.txt',
    '/assets/.../secret.txt',
    '/./assets/../../secret.txt',
    '/assets%5c..%5c..%5csecret.txt',
    '/C:%5csecret.txt',
    '/%2f%2fsecret.txt',
    '/assets/app.js%00.html',
    '/image/0123456789abcdef/../../secret.txt',
    '/image/0123456789abcdef%00',
  ])('never serves what lies outside the renderer folder for %s', async (path) => {
    const { library, rendererDir } = await setup();
    const answer = await serveAppRequest(library, rendererDir, path);
    expect([400, 404]).toContain(answer.status);
    const body = typeof answer.body === 'string' ? answer.body : new TextDecoder().decode(answer.body);
    expect(body).not.toContain('secret');
    library.close();
  });

  it.each([
    ['/image/..%2f..%2fetc%2fpasswd', 400],
    ['/image/%2Fetc%2Fpasswd', 400],
    ['/image/0123456789abcdef', 404],
    ['/image/', 400],
    ['/missing.js', 404],
  ])('answers %s with %i', async (path, status) => {
    const { library, rendererDir } = await setup();
    expect((await serveAppRequest(library, rendererDir, path)).status).toBe(status);
    library.close();
  });
});
