// The worker pool, run the way the app runs it: render-worker.ts bundled by esbuild to one .cjs
// file, with the Cornerstone codec packages left external so their glue finds its .wasm.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DicomParseError } from '../../../../../src/main/services/dicom/parse-dataset';
import {
  createRenderPool,
  PixelDataError,
  renderFile,
  type RenderPool,
} from '../../../../../src/main/services/dicom/pixels';

// Inside the repository so that the bundle's external requires resolve from its node_modules.
const OUT = resolve('node_modules/.cache/lightbox-test');
const WORKER = join(OUT, 'render-worker.cjs');
const FILES = [
  'samples/cxr/barre_CR-MONO1-10-chest.dcm',
  'test/fixtures/dicom/nema-wg04_RG1_JLSN.dcm',
  'samples/cxr/siim-acr_nih_CR_jpegbaseline.dcm',
  'test/fixtures/dicom/derived/barre_chest_RLELossless.dcm',
];

let pool: RenderPool;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  await build({
    entryPoints: ['src/main/services/dicom/pixels/render-worker.ts'],
    outfile: WORKER,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['@cornerstonejs/codec-*'],
    logLevel: 'error',
  });
  writeFileSync(join(OUT, 'not-dicom.dcm'), 'hello, this is not DICOM at all');
  pool = createRenderPool({ workerScript: WORKER, size: 2 });
}, 30_000);

afterAll(() => pool.close());

describe('render pool', () => {
  it('renders in workers exactly what renders in-thread', async () => {
    const [pooled, direct] = await Promise.all([
      Promise.all(FILES.map((f) => pool.renderFile(f))),
      Promise.all(FILES.map((f) => renderFile(f))),
    ]);
    for (const [i, r] of pooled.entries()) {
      expect(r.info).toEqual(direct[i]!.info);
      expect(Buffer.from(r.pixels).equals(Buffer.from(direct[i]!.pixels))).toBe(true);
    }
  });

  it('passes options and brings typed errors back across the thread', async () => {
    const r = await pool.renderFile(FILES[0]!, { window: { kind: 'explicit', center: 500, width: 200 } });
    expect(r.info.voi).toMatchObject({ source: 'explicit', center: 500, width: 200 });
    await expect(pool.renderFile(FILES[0]!, { frame: 1 })).rejects.toBeInstanceOf(PixelDataError);
    await expect(pool.renderFile(join(OUT, 'not-dicom.dcm'))).rejects.toBeInstanceOf(DicomParseError);
    await expect(pool.renderFile(join(OUT, 'missing.dcm'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('abandons a render that overruns its time and keeps serving', async () => {
    const impatient = createRenderPool({ workerScript: WORKER, size: 1, taskTimeoutMs: 1 });
    try {
      await expect(impatient.renderFile(FILES[1]!)).rejects.toMatchObject({
        code: 'corrupt',
        message: /longer than/,
      });
    } finally {
      await impatient.close();
    }
    expect((await pool.renderFile(FILES[3]!)).info.rows).toBe(440);
  });

  it('renders in-thread without a worker script', async () => {
    const inThread = createRenderPool();
    expect((await inThread.renderFile(FILES[0]!)).pixels.length).toBe(440 * 440);
    await inThread.close();
  });
});
