// npm run bench: every benchmark with its baseline, measured in the same run.
import { benchDraft } from './draft';
import { benchFirstImage } from './first-image';
import { benchGrounding } from './grounding';
import { benchImport } from './import';

const sections: [string, () => Promise<Record<string, string>>][] = [
  ['import throughput', benchImport],
  ['open study to first image (viewer)', benchFirstImage],
  ['drafting on the CPU (engine vs plain onnxruntime loop vs floor)', benchDraft],
  ['grounding answers: median coordinates vs token by token (demo pack)', benchGrounding],
];

for (const [name, run] of sections) {
  process.stdout.write(`\n## ${name}\n`);
  for (const [k, v] of Object.entries(await run())) process.stdout.write(`${k}: ${v}\n`);
}
