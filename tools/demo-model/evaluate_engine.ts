// Run a model pack through the real Lightbox engine on held-out DICOM files and write the raw predictions:
//   node --import tsx tools/demo-model/evaluate_engine.ts ITEMS.json PACK_DIR OUT.json [variant] [threads]
// ITEMS.json: [{ id, path, abnormalities: [label...], phrases: [sentence...] }] (written by evaluate.py).
// Per item: the full draft from draftStudy (render, preprocess, report, split into findings, each abnormal
// finding grounded by the phrase-grounding prompt, boxes in pixels), plus answers to the pack's
// abnormality-grounding prompt for each true label and to the phrase-grounding prompt for each true
// finding sentence (the grounding tasks alone, given the right finding), with boxes as fractions. Every
// grounding answer is decoded as the app decodes it (grounding-decoding.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { draftStudy } from '../../src/main/services/inference/draft-study';
import { ModelCache } from '../../src/main/services/inference/engine/open-model';
import { generate } from '../../src/main/services/inference/engine/generate';
import { groundingDecoding } from '../../src/main/services/inference/grounding-decoding';
import { parseModelOutput } from '../../src/main/services/inference/engine/parse-output';
import { preprocessImage } from '../../src/main/services/inference/engine/preprocess-image';
import { renderFile } from '../../src/main/services/dicom/pixels/render-file';

type Item = { id: string; path: string; abnormalities: string[]; phrases: string[] };

async function main(): Promise<void> {
  const [itemsPath, packDir, outPath, variant, threadsArg] = process.argv.slice(2);
  if (!itemsPath || !packDir || !outPath)
    throw new Error('usage: ITEMS.json PACK_DIR OUT.json [variant] [threads]');
  const items = JSON.parse(readFileSync(itemsPath, 'utf8')) as Item[];
  const models = new ModelCache();
  const threads = threadsArg ? Number(threadsArg) : 1;
  const controller = new AbortController();
  const results: unknown[] = [];
  const started = performance.now();
  for (const [k, item] of items.entries()) {
    const draft = await draftStudy(
      {
        modelDir: packDir,
        provider: 'cpu',
        ...(variant ? { variant } : {}),
        source: { kind: 'path', path: item.path },
        maxNewTokens: 256,
        groundingMaxNewTokens: 96,
        sampling: null,
        threads,
        hashCacheFile: null,
      },
      { models, signal: controller.signal, onEvent: () => undefined },
    );
    const { model } = await models.get({
      dir: packDir,
      provider: 'cpu',
      variant,
      threads,
      hashCacheFile: null,
    });
    const { pack, session, tokenizer } = model;
    const rendition = await renderFile(item.path, { frame: 0, window: { kind: 'auto' } });
    const { rows: height, columns: width } = rendition.info;
    const prepared = preprocessImage(
      { pixels: rendition.pixels, width, height, channels: 1 },
      pack.imageConfig,
    );
    const encoding = await session.encodeImage(prepared.pixelValues, prepared.dims, prepared.gridThw);
    const ask = async (instruction: string) => {
      const prompt = {
        inputIds: tokenizer.imagePrompt({ instruction, imageTokens: prepared.imageTokens }).inputIds,
        image: { encoding, gridThw: prepared.gridThw },
      };
      const answer = await generate(session, tokenizer, prompt, pack.rope, {
        maxNewTokens: 96,
        stopTokenIds: pack.stopTokenIds,
        ...groundingDecoding(pack, tokenizer, false).options,
      });
      const parsed = parseModelOutput(answer.text, pack.boxFormat);
      return {
        prompt: instruction,
        text: answer.text,
        boxes: parsed.boxes.map((b) => [b.x1, b.y1, b.x2, b.y2]),
      };
    };
    const abnormality = [];
    if (pack.tasks.abnormalityGrounding) {
      for (const label of item.abnormalities)
        abnormality.push({
          label,
          ...(await ask(pack.tasks.abnormalityGrounding.replaceAll('{abnormality}', label))),
        });
    }
    const phrase = [];
    for (const sentence of item.phrases)
      phrase.push({
        phrase: sentence,
        ...(await ask(pack.tasks.phraseGrounding.replaceAll('{phrase}', sentence))),
      });
    results.push({
      id: item.id,
      width,
      height,
      report: draft.report,
      stopReason: draft.stopReason,
      variant: draft.model.variant,
      intendedUse: draft.model.intendedUse,
      findings: draft.findings.map((f) => ({
        text: f.text,
        status: f.status,
        boxes: f.boxes,
        raw: f.grounding?.rawText ?? null,
      })),
      abnormality,
      phrase,
    });
    if ((k + 1) % 10 === 0)
      process.stderr.write(
        `${k + 1}/${items.length} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
      );
  }
  await models.release();
  writeFileSync(outPath, JSON.stringify(results, null, 1));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
