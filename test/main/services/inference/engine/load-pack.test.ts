// Loading the tiny exported pack: what the manifest gives the engine, the sha256 verification with its
// size+mtime cache, and one-line refusals of missing, corrupt and tampered packs.
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPack, PackError } from '../../../../../src/main/services/inference/engine/load-pack';
import { useTempDirs } from '../../../../helpers/temp-dir';
import { exportTinyPack } from '../../../../helpers/tiny-pack';

const tempDir = useTempDirs();
let workDir: string;
let pack: string;

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'lightbox-load-pack-'));
  pack = exportTinyPack(workDir);
});

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** A copy of the pack to damage. */
function copyPack(): string {
  const copy = join(tempDir(), 'copy');
  cpSync(pack, copy, { recursive: true });
  return copy;
}

function editManifest(dir: string, edit: (m: Record<string, unknown>) => void): void {
  const file = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(manifest);
  writeFileSync(file, JSON.stringify(manifest));
}

async function refusal(dir: string, options = {}): Promise<string> {
  const err: unknown = await loadPack(dir, options).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PackError);
  const message = (err as Error).message;
  expect(message).not.toContain('\n');
  return message;
}

describe('loadPack', () => {
  it('gives the engine the graphs, prompts, box format, preprocessing, rotary and stop ids', async () => {
    const loaded = await loadPack(pack);
    expect(loaded).toMatchObject({
      id: 'tiny',
      variant: 'fp32',
      variants: ['fp32'],
      intendedUse: 'demo-not-for-clinical-use',
      boxFormat: 'radvlm-fraction-xyxy',
      tasks: {
        reportGeneration: 'Provide a radiology report for this Chest X-Ray.',
        phraseGrounding: 'Please locate the following sentence: {phrase}',
      },
      rope: { imageTokenId: 151655, visionStartTokenId: 151652, spatialMergeSize: 2 },
      stopTokenIds: [151645],
      graphs: { decoder: join(pack, 'onnx/decoder_model_merged.onnx') },
      imageConfig: { minPixels: 1024, maxPixels: 451584, patchSize: 16 },
    });
    expect(loaded.manifestSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(loaded.checkpointSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hashes the files once and then trusts size and mtime, until a file changes', async () => {
    const dir = copyPack();
    const hashCacheFile = join(tempDir(), 'hashes.json');
    expect((await loadPack(dir, { hashCacheFile })).hashedFiles).toBe(11);
    expect((await loadPack(dir, { hashCacheFile })).hashedFiles).toBe(0);
    // Same size, different content: a flipped byte is found even with the cache.
    const graph = join(dir, 'onnx/vision_encoder.onnx_data');
    const bytes = readFileSync(graph);
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0xff;
    writeFileSync(graph, bytes);
    expect(statSync(graph).size).toBe(bytes.length);
    expect(await refusal(dir, { hashCacheFile })).toBe(
      `model pack ${dir}: onnx/vision_encoder.onnx_data does not match its sha256 in manifest.json (corrupt or tampered)`,
    );
  });

  it('refuses a graph with a flipped byte, naming the file', async () => {
    const dir = copyPack();
    const graph = join(dir, 'onnx/decoder_model_merged.onnx');
    const bytes = readFileSync(graph);
    bytes[100] = bytes[100]! ^ 0x01;
    writeFileSync(graph, bytes);
    expect(await refusal(dir)).toMatch(/onnx\/decoder_model_merged\.onnx does not match its sha256/);
  });

  it('refuses missing, truncated and unlisted files', async () => {
    const dir = copyPack();
    unlinkSync(join(dir, 'onnx/embed_tokens.onnx_data'));
    expect(await refusal(dir)).toBe(`model pack ${dir}: onnx/embed_tokens.onnx_data is missing`);
    const other = copyPack();
    writeFileSync(join(other, 'tokenizer.json'), '{}');
    expect(await refusal(other)).toMatch(
      /tokenizer\.json has 2 bytes, manifest\.json says \d+ \(corrupt or tampered\)/,
    );
    const unlisted = copyPack();
    editManifest(unlisted, (m) => delete (m.files as Record<string, unknown>)['onnx/embed_tokens.onnx']);
    expect(await refusal(unlisted)).toMatch(
      /manifest\.json does not list the hash of onnx\/embed_tokens\.onnx$/,
    );
  });

  it('refuses a folder that is not a pack, a broken manifest and another contract version', async () => {
    expect(await refusal(join(workDir, 'nope'))).toMatch(/nope: does not exist$/);
    expect(await refusal(tempDir())).toMatch(/no manifest\.json/);
    const broken = copyPack();
    writeFileSync(join(broken, 'manifest.json'), '{"id": ');
    expect(await refusal(broken)).toMatch(/manifest\.json is not valid JSON$/);
    const future = copyPack();
    editManifest(future, (m) => (m.contract_version = '2'));
    expect(await refusal(future)).toMatch(
      /contract version 2 is not supported \(this Lightbox reads 1, 1\.1\)$/,
    );
    const noTasks = copyPack();
    editManifest(noTasks, (m) => delete m.tasks);
    expect(await refusal(noTasks)).toMatch(/manifest\.json: tasks: /);
    const escape = copyPack();
    editManifest(escape, (m) => {
      (m.files as Record<string, unknown>)['../outside'] = { bytes: 1, sha256: '0'.repeat(64) };
    });
    expect(await refusal(escape)).toMatch(/names \.\.\/outside, outside the pack$/);
  });

  it('reads the KV cache layout: kv_cache of contract 1.1, the whole cache without it', async () => {
    expect((await loadPack(pack)).kvCache).toBe('delta');
    const contract1 = copyPack();
    editManifest(contract1, (m) => {
      m.contract_version = '1';
      delete m.kv_cache;
    });
    expect((await loadPack(contract1)).kvCache).toBe('full');
    const mislabelled = copyPack();
    editManifest(mislabelled, (m) => (m.contract_version = '1'));
    expect(await refusal(mislabelled)).toMatch(/manifest\.json: kv_cache needs contract version 1\.1/);
    const unknown = copyPack();
    editManifest(unknown, (m) => (m.kv_cache = { layout: 'sequence-major', outputs: 'delta' }));
    expect(await refusal(unknown)).toMatch(/manifest\.json: kv_cache\.layout: /);
  });

  it('chooses the variant asked for, else the preferred one the pack has', async () => {
    expect((await loadPack(pack, { preferVariants: ['q4', 'fp32'] })).variant).toBe('fp32');
    expect(await refusal(pack, { variant: 'q4' })).toBe(
      `model pack ${pack}: has no variant q4 (it has fp32)`,
    );
  });
});
