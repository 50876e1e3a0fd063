// The lightbox command: the app's services without a window.
import { draftCommand } from './commands/draft';
import { exportCommand } from './commands/export';
import { importCommand } from './commands/import';
import { qualityCommand } from './commands/quality';
import { renderCommand } from './commands/render';
import { storageMessage } from '../main/services/store/storage-errors';

const USAGE = `usage: lightbox <command> [options]

commands:
  import <path...> [--json] [--data-dir DIR]     index DICOM files, folders or DICOMDIRs
  render <file.dcm> --out <file.png> [--frame N] [--window auto|minmax|C,W]
                                                  render one image through the model-input pipeline
                                                  (frames count from 1; a negative centre: --window=-100,400)
  draft <study folder or file.dcm> --out <draft.json> [--model models/<id>] [--provider auto|cpu|cuda|dml|coreml]
        [--variant fp32|fp16|q4] [--max-new-tokens N]
                                                  draft a report with boxed findings with a model pack
  export --out DIR --format trl-dpo|trl-kto|verl-grpo|jsonl [--since YYYY-MM-DD] [--model ID] [--json]
         [--data-dir DIR]                         feedback records as de-identified training data
  quality [--csv] [--data-dir DIR]               agreement of each model version with its readers
`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  draft: draftCommand,
  export: exportCommand,
  import: importCommand,
  quality: qualityCommand,
  render: renderCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`lightbox: unknown command '${name}'\n${USAGE}`);
    return 2;
  }
  try {
    return await command(rest);
  } catch (err) {
    const message = storageMessage(err) ?? (err instanceof Error ? err.message : String(err));
    process.stderr.write(`lightbox ${name}: ${message}\n`);
    return 1;
  }
}
