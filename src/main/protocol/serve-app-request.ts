// Serves the app's origin: the renderer bundle and indexed images. Shared by Electron's
// lightbox:// protocol and the browser test bridge, so both refuse the same things.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { idSchema } from '../../shared/domain';
import type { Library } from '../services/library';
import { UserError } from '../services/library';

export type AppResponse = { status: number; headers: Record<string, string>; body: Uint8Array | string };

/** Applied to every response, including the HTML (Electron also sets it on the session). */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

const base = { 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff' };
const text = (status: number, body: string): AppResponse => ({
  status,
  headers: { ...base, 'Content-Type': 'text/plain; charset=utf-8' },
  body,
});

export async function serveAppRequest(
  library: Library,
  rendererDir: string,
  pathname: string,
): Promise<AppResponse> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return text(400, 'bad request');
  }
  const image = /^\/image\/(.*)$/s.exec(decoded);
  if (image) return serveImage(library, image[1]!);
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  if (relative.includes('\0') || relative.split(/[\\/]/).includes('..')) return text(400, 'bad request');
  const file = normalize(join(rendererDir, relative));
  if (!file.startsWith(normalize(rendererDir) + sep)) return text(400, 'bad request');
  try {
    const body = new Uint8Array(await readFile(file));
    return {
      status: 200,
      headers: { ...base, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' },
      body,
    };
  } catch {
    return text(404, 'not found');
  }
}

async function serveImage(library: Library, id: string): Promise<AppResponse> {
  if (!idSchema.safeParse(id).success) return text(400, 'bad image id');
  try {
    const body = await library.instanceBytes(id);
    return {
      status: 200,
      headers: { ...base, 'Content-Type': 'application/dicom', 'Cache-Control': 'no-store' },
      body,
    };
  } catch (err) {
    return text(404, err instanceof UserError ? err.message : 'image unavailable');
  }
}
