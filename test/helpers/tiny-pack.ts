// The tiny golden checkpoint exported to a model pack (fp32) with the repository's exporter, once per test
// file that needs a real pack.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { FIXTURES, ROOT } from './paths';

const PYTHON = process.env.LIGHTBOX_PYTHON ?? '/usr/bin/python3';

/** Writes the pack to `dir/name` and returns its path; `kvCache: 'full'` makes a contract 1 pack (the
 * whole-cache decoder of packs made before contract 1.1). */
export function exportTinyPack(
  dir: string,
  name = 'tiny',
  options: { kvCache?: 'delta' | 'full' } = {},
): string {
  const out = join(dir, name);
  const checkpoint = join(FIXTURES, 'qwen3vl/tiny-qwen3vl-a/checkpoint');
  const args = ['--checkpoint', checkpoint, '--out', out, '--variants', 'fp32', '--threads', '2'];
  if (options.kvCache) args.push('--kv-cache', options.kvCache);
  execFileSync(PYTHON, [join(ROOT, 'tools/model-pack/export.py'), ...args], { stdio: 'pipe' });
  return out;
}

/** The inference worker from its TypeScript source (run through tsx by forkInference). */
export const WORKER_SOURCE = join(ROOT, 'src/main/services/inference/inference-worker.ts');
