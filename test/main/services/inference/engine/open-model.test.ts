// The tiny pack opened on real onnxruntime: CUDA asked for on this CPU-only machine falls back to the CPU
// with a reason, the CPU works, and the cache keeps one model open between drafts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelCache, openModel } from '../../../../../src/main/services/inference/engine/open-model';
import { exportTinyPack } from '../../../../helpers/tiny-pack';

let workDir: string;
let pack: string;

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'lightbox-open-model-'));
  pack = exportTinyPack(workDir);
});

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('openModel', () => {
  it('falls back from CUDA to the CPU with the reason when the CUDA provider cannot load', async () => {
    const model = await openModel({ dir: pack, provider: 'cuda', hashCacheFile: null, threads: 1 });
    try {
      expect(model.provider).toMatchObject({ provider: 'cpu', requested: 'cuda' });
      expect(model.provider.fallbackReason).toMatch(/^cuda failed: .+ONNXRUNTIME_NODE_INSTALL=cuda12/);
      expect(model.session.hiddenSize).toBe(32);
    } finally {
      await model.session.release();
    }
  });

  it('opens on the CPU without a reason, and the cache reopens only for other settings', async () => {
    const cache = new ModelCache();
    try {
      const options = { dir: pack, provider: 'cpu' as const, hashCacheFile: null, threads: 1 };
      const first = await cache.get(options);
      expect(first.model.provider).toEqual({ provider: 'cpu', requested: 'cpu', fallbackReason: null });
      expect(first.model.tokenizer.imagePadId).toBe(151655);
      expect((await cache.get(options)).reused).toBe(true);
      expect((await cache.get({ ...options, threads: 2 })).reused).toBe(false);
    } finally {
      await cache.release();
    }
  });
});
