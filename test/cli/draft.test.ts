// lightbox draft in-process, with the inference worker run from its sources through tsx.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/index';
import { draftSchema } from '../../src/shared/draft';
import { SAMPLES } from '../helpers/paths';
import { useTempDirs } from '../helpers/temp-dir';
import { exportTinyPack, WORKER_SOURCE } from '../helpers/tiny-pack';

const tempDir = useTempDirs();
const SAMPLE = join(SAMPLES, 'cxr/nih-cxr14-google_DX_implicitLE.dcm');
let workDir: string;
let pack: string;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  return { out: () => out.join(''), err: () => err.join('') };
}

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'lightbox-cli-draft-'));
  pack = exportTinyPack(workDir);
  vi.stubEnv('LIGHTBOX_INFERENCE_WORKER', WORKER_SOURCE);
  vi.stubEnv('LIGHTBOX_DATA_DIR', join(workDir, 'data'));
});

afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(workDir, { recursive: true, force: true });
});

afterEach(() => vi.restoreAllMocks());

describe('lightbox draft', () => {
  it('writes draft.json for a study folder, with progress on stderr', async () => {
    const study = tempDir();
    mkdirSync(join(study, 'series'));
    writeFileSync(join(study, 'series', 'image.dcm'), readFileSync(SAMPLE));
    const out = join(tempDir(), 'draft.json');
    const io = capture();
    const args = [
      'draft',
      study,
      '--model',
      pack,
      '--provider',
      'cuda',
      '--max-new-tokens',
      '8',
      '--out',
      out,
    ];
    expect(await main(args)).toBe(0);
    const draft = draftSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(draft.image.path).toBe(join(study, 'series', 'image.dcm'));
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(draft.tokens.reportGenerated).toBeLessThanOrEqual(8);
    expect(draft.provider).toMatchObject({
      provider: 'cpu',
      requested: 'cuda',
      fallbackReason: expect.stringMatching(/^cuda failed/),
    });
    expect(io.out()).toBe('');
    const err = io.err();
    expect(err).toMatch(/^lightbox draft: opening the model pack /);
    expect(err).toMatch(/lightbox draft: provider cpu \(requested cuda\): cuda failed: /);
    expect(err).toMatch(/lightbox draft: encoding the image \(1024x1024 as 672x672, 441 tokens\)/);
    expect(err).toMatch(/lightbox draft: finding 1\/\d+ (normal|abnormal)/);
    expect(err).toMatch(
      new RegExp(
        `lightbox draft: wrote ${out}: \\d+ finding\\(s\\), \\d+ with boxes, model tiny 0\\.1\\.0 fp32 \\(demo model, not for clinical use\\) on cpu`,
      ),
    );
    // The pack's hashes are remembered in the user data folder for the next start.
    expect(
      Object.keys(JSON.parse(readFileSync(join(workDir, 'data/model-pack-hashes.json'), 'utf8')).files),
    ).toHaveLength(11);
  });

  it('explains its usage and refuses bad options', async () => {
    const io = capture();
    expect(await main(['draft'])).toBe(2);
    expect(await main(['draft', SAMPLE])).toBe(2);
    expect(await main(['draft', SAMPLE, '--out', 'x.json', '--provider', 'tpu'])).toBe(2);
    expect(await main(['draft', SAMPLE, '--out', 'x.json', '--max-new-tokens', '0'])).toBe(2);
    expect(io.err()).toMatch(/expected one study folder or DICOM file\nusage: lightbox draft/);
    expect(io.err()).toMatch(/--out <draft\.json> is required/);
    expect(io.err()).toMatch(/--provider must be auto, cpu, cuda, dml or coreml/);
    expect(io.err()).toMatch(/--max-new-tokens must be a whole number from 1 \(got "0"\)/);
  });

  it('names the packs under models/ when the default pack is missing, and fails cleanly on a bad pack', async () => {
    const cwd = process.cwd();
    const dir = tempDir();
    mkdirSync(join(dir, 'models/other'), { recursive: true });
    writeFileSync(join(dir, 'models/other/manifest.json'), '{}');
    const io = capture();
    try {
      process.chdir(dir);
      expect(await main(['draft', SAMPLE, '--out', 'draft.json'])).toBe(1);
      expect(await main(['draft', SAMPLE, '--model', 'models/other', '--out', 'draft.json'])).toBe(1);
    } finally {
      process.chdir(cwd);
    }
    expect(io.err()).toContain(
      'lightbox draft: models/lightbox-demo does not exist; pass --model with one of: models/other\n',
    );
    expect(io.err()).toContain(`lightbox draft: model pack ${join(dir, 'models/other')}: manifest.json: `);
  });
});
