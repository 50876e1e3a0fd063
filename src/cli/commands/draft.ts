// lightbox draft <study folder or DICOM file> [--model models/<id>] [--provider ...] --out draft.json: the
// drafting pipeline headless (tests, overnight pre-drafting of a worklist), in a child process as in the
// app, with progress on stderr.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { providerSettingSchema, type Draft, type DraftEvent } from '../../shared/draft';
import { defaultUserDataDir, MODEL_HASHES_FILE } from '../../main/paths';
import { writePrivateFile } from '../../main/private-files';
import { DEFAULT_PACK } from '../../main/services/inference/draft-service';
import { forkInference } from '../../main/services/inference/fork-inference-process';
import { createInferenceHost } from '../../main/services/inference/inference-host';

const USAGE =
  'usage: lightbox draft <study folder or DICOM file> --out <draft.json> [--model models/<id>]\n' +
  '                     [--provider auto|cpu|cuda|dml|coreml] [--variant fp32|fp16|q4] [--max-new-tokens N]';

const DEFAULT_MODEL = `models/${DEFAULT_PACK}`;
const REPORT_TOKENS = 512;
/** A grounding answer is one sentence with a few boxes. */
const GROUNDING_TOKENS = 96;

function fail(message: string, code = 1): number {
  process.stderr.write(`lightbox draft: ${message}\n`);
  return code;
}

/** The bundled worker beside the bundled CLI (dist/cli -> dist/main); LIGHTBOX_INFERENCE_WORKER overrides it. */
function workerPath(): string {
  const override = process.env.LIGHTBOX_INFERENCE_WORKER;
  if (override) return override;
  if (typeof __dirname !== 'string')
    throw new Error('set LIGHTBOX_INFERENCE_WORKER when running the CLI from its sources');
  return join(__dirname, '..', 'main', 'inference-worker.cjs');
}

async function defaultModel(): Promise<string> {
  if (existsSync(join(DEFAULT_MODEL, 'manifest.json'))) return DEFAULT_MODEL;
  let packs: string[] = [];
  try {
    const entries = await readdir('models', { withFileTypes: true });
    packs = entries
      .filter((e) => e.isDirectory() && existsSync(join('models', e.name, 'manifest.json')))
      .map((e) => `models/${e.name}`);
  } catch {
    // No models folder: no packs.
  }
  throw new Error(
    `${DEFAULT_MODEL} does not exist; ` +
      (packs.length > 0 ? `pass --model with one of: ${packs.join(', ')}` : 'no model packs under models/'),
  );
}

function progress(event: DraftEvent): string | null {
  switch (event.kind) {
    case 'stage':
      return event.message;
    case 'provider': {
      const { provider, requested, fallbackReason } = event.choice;
      return `provider ${provider} (requested ${requested})${fallbackReason ? `: ${fallbackReason}` : ''}`;
    }
    case 'model':
      return `model ${event.model.id} ${event.model.version} ${event.model.variant} (${event.model.intendedUse})`;
    case 'finding': {
      const { finding, index, count } = event;
      const boxes = finding.grounding
        ? `, ${finding.boxes.length} box(es), ${finding.dropped.length} dropped`
        : '';
      return `finding ${index + 1}/${count} ${finding.status}${boxes}`;
    }
    case 'report-text':
      return null;
  }
}

function summary(out: string, draft: Draft): string {
  const boxed = draft.findings.filter((f) => f.boxes.length > 0).length;
  const use =
    draft.model.intendedUse === 'demo-not-for-clinical-use' ? ' (demo model, not for clinical use)' : '';
  return (
    `wrote ${out}: ${draft.findings.length} finding(s), ${boxed} with boxes, ` +
    `model ${draft.model.id} ${draft.model.version} ${draft.model.variant}${use} on ${draft.provider.provider}, ` +
    `${(draft.timings.totalMs / 1000).toFixed(1)} s`
  );
}

export async function draftCommand(argv: string[]): Promise<number> {
  let values: {
    out?: string;
    model?: string;
    provider?: string;
    variant?: string;
    'max-new-tokens'?: string;
  };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        model: { type: 'string' },
        provider: { type: 'string', default: 'auto' },
        variant: { type: 'string' },
        'max-new-tokens': { type: 'string' },
      },
    }));
  } catch (err) {
    return fail(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`, 2);
  }
  const [input, ...extra] = positionals;
  if (!input || extra.length > 0) return fail(`expected one study folder or DICOM file\n${USAGE}`, 2);
  if (!values.out) return fail(`--out <draft.json> is required\n${USAGE}`, 2);
  const provider = providerSettingSchema.safeParse(values.provider);
  if (!provider.success) return fail(`--provider must be auto, cpu, cuda, dml or coreml\n${USAGE}`, 2);
  const maxNewTokens =
    values['max-new-tokens'] === undefined ? REPORT_TOKENS : Number(values['max-new-tokens']);
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1)
    return fail(`--max-new-tokens must be a whole number from 1 (got "${values['max-new-tokens']}")`, 2);

  const modelDir = resolve(values.model ?? (await defaultModel()));
  const host = createInferenceHost(forkInference(workerPath()));
  host.onCrash((crash) => process.stderr.write(`lightbox draft: ${crash.message}\n`));
  try {
    const draft = await host.draft(
      {
        modelDir,
        provider: provider.data,
        ...(values.variant ? { variant: values.variant } : {}),
        source: { kind: 'path', path: resolve(input) },
        maxNewTokens,
        groundingMaxNewTokens: GROUNDING_TOKENS,
        sampling: null,
        // The app's user data folder, so a pack verified by the app is not hashed again here (and back).
        hashCacheFile: join(defaultUserDataDir(), MODEL_HASHES_FILE),
      },
      (event) => {
        const line = progress(event);
        if (line) process.stderr.write(`lightbox draft: ${line}\n`);
      },
    );
    // The draft names the image's file and reports on a patient: only the user can read it.
    await writePrivateFile(values.out, `${JSON.stringify(draft, null, 2)}\n`);
    process.stderr.write(`lightbox draft: ${summary(values.out, draft)}\n`);
    return 0;
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  } finally {
    await host.dispose();
  }
}
