// lightbox export --out DIR --format trl-dpo|trl-kto|verl-grpo|jsonl [--since YYYY-MM-DD] [--model ID]
// [--json] [--data-dir DIR]: the library's feedback records as de-identified training data, as the app
// exports them.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { exportFormatSchema, type ExportSummary } from '../../shared/feedback';
import { DATABASE_FILE, defaultUserDataDir } from '../../main/paths';
import { exportFeedback } from '../../main/services/feedback/export/export-feedback';
import { Library } from '../../main/services/library';

const USAGE =
  'usage: lightbox export --out DIR --format trl-dpo|trl-kto|verl-grpo|jsonl [--since YYYY-MM-DD] [--model ID]\n' +
  '                       [--json] [--data-dir DIR]';

function fail(message: string, code = 1): number {
  process.stderr.write(`lightbox export: ${message}\n`);
  return code;
}

function summary(s: ExportSummary): string {
  const lines = [
    `exported ${s.records} record(s) as ${s.format} to ${s.outDir}: ${s.rows} row(s), ${s.images} image(s), ` +
      `${s.excluded.length} excluded`,
    ...s.excluded.map((x) => `  excluded ${x.recordId}: ${x.reason}`),
  ];
  return `${lines.join('\n')}\n`;
}

export async function exportCommand(argv: string[]): Promise<number> {
  let values: {
    out?: string;
    format?: string;
    since?: string;
    model?: string;
    json?: boolean;
    'data-dir'?: string;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        out: { type: 'string', short: 'o' },
        format: { type: 'string' },
        since: { type: 'string' },
        model: { type: 'string' },
        json: { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
      },
    }));
  } catch (err) {
    return fail(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`, 2);
  }
  if (!values.out) return fail(`--out DIR is required\n${USAGE}`, 2);
  const format = exportFormatSchema.safeParse(values.format);
  if (!format.success) return fail(`--format must be trl-dpo, trl-kto, verl-grpo or jsonl\n${USAGE}`, 2);
  if (values.since !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.since))
    return fail(`--since must be a date as YYYY-MM-DD (got "${values.since}")`, 2);

  const library = Library.open(join(values['data-dir'] ?? defaultUserDataDir(), DATABASE_FILE), null);
  try {
    const result = await exportFeedback(library, {
      outDir: values.out,
      format: format.data,
      ...(values.since ? { since: values.since } : {}),
      ...(values.model ? { modelId: values.model } : {}),
    });
    process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : summary(result));
    return 0;
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  } finally {
    library.close();
  }
}
