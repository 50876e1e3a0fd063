// The drafting pipeline, run in the inference process: the frontal image rendered as the viewer renders
// it, prepared and encoded once; the shared start of every prompt (system turn and image) prefilled once
// and its KV cache reused by the report prompt and by each grounding prompt; the report split into
// findings and each abnormal finding grounded by the pack's phrase-grounding prompt; boxes mapped to
// pixels of the original image.
import type { Draft, DraftEvent, DraftRequest, Finding } from '../../../shared/draft';
import { generate, prefill, type Prompt, type PromptPrefix } from './engine/generate';
import type { ModelCache } from './engine/open-model';
import { parseModelOutput } from './engine/parse-output';
import { splitFindings } from './engine/split-findings';
import { encodeImage, groundingInstruction, openRequestedModel } from './encode-image';
import { boxesFromGrounding } from './finding-boxes';
import { groundingDecoding } from './grounding-decoding';
import { resolveDraftImage } from './pick-image';

export class DraftCancelledError extends Error {
  constructor() {
    super('the draft was cancelled');
  }
}

export type DraftContext = {
  models: ModelCache;
  signal: AbortSignal;
  onEvent: (event: DraftEvent) => void;
};

/** Length of the common start of two token sequences. */
function commonPrefix(a: readonly number[], b: readonly number[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

export async function draftStudy(request: DraftRequest, context: DraftContext): Promise<Draft> {
  const { signal, onEvent } = context;
  const started = performance.now();
  const checkCancelled = () => {
    if (signal.aborted) throw new DraftCancelledError();
  };
  const timed = async <T>(run: () => Promise<T> | T): Promise<[T, number]> => {
    const t = performance.now();
    const value = await run();
    return [value, performance.now() - t];
  };

  onEvent({ kind: 'stage', stage: 'load-model', message: `opening the model pack ${request.modelDir}` });
  const [{ model }, loadModelMs] = await timed(() => openRequestedModel(context.models, request));
  const { pack, session, tokenizer } = model;
  const draftModel = {
    id: pack.id,
    version: pack.version,
    variant: pack.variant,
    manifestSha256: pack.manifestSha256,
    checkpointSha256: pack.checkpointSha256,
    intendedUse: pack.intendedUse,
  };
  onEvent({ kind: 'provider', choice: model.provider });
  onEvent({ kind: 'model', model: draftModel });
  checkCancelled();

  const image = await resolveDraftImage(request.source);
  onEvent({ kind: 'stage', stage: 'render', message: `rendering ${image.path} (${image.view})` });
  const { sha256, rendition, width, height, prepared, promptFor, renderMs, preprocessMs, encodeImageMs } =
    await encodeImage(model, image, (p) => {
      checkCancelled();
      onEvent({
        kind: 'stage',
        stage: 'encode-image',
        message: `encoding the image (${p.width}x${p.height} as ${p.resized.width}x${p.resized.height}, ${p.imageTokens} tokens)`,
      });
    });
  checkCancelled();

  const imageTokens = prepared.imageTokens;
  const reportPrompt = promptFor(pack.tasks.reportGeneration);
  // What the report and grounding prompts share: everything before the instruction, the image included.
  // A prefix holds all of the image or none of it (a template could put text between its parts).
  const ids = reportPrompt.inputIds;
  const firstImageToken = ids.indexOf(pack.rope.imageTokenId);
  let shared = commonPrefix(ids, promptFor(groundingInstruction(pack.tasks.phraseGrounding, '.')).inputIds);
  if (shared <= ids.lastIndexOf(pack.rope.imageTokenId)) shared = Math.min(shared, firstImageToken);
  const prefixIds = ids.slice(0, shared);
  let prefix: PromptPrefix | undefined;
  let prefixPrefillMs = 0;
  if (shared > 0) {
    const prefixImage = shared > firstImageToken ? reportPrompt.image : null;
    const [state, ms] = await timed(() =>
      prefill(session, { inputIds: prefixIds, image: prefixImage }, pack.rope),
    );
    prefix = { inputIds: prefixIds, cache: state.cache };
    prefixPrefillMs = ms;
  }
  // The report and then each grounding prompt continue the prefix one after another: a delta KV cache lets
  // a continuation of the prefix be used only until the next one starts (kv-buffer.ts).
  const prefixFor = (prompt: Prompt) =>
    prefix &&
    prompt.inputIds.length > prefix.inputIds.length &&
    prefix.inputIds.every((id, i) => prompt.inputIds[i] === id)
      ? { prefix }
      : {};

  onEvent({ kind: 'stage', stage: 'report', message: 'writing the report' });
  const decoding = {
    stopTokenIds: pack.stopTokenIds,
    ...(request.sampling ? { sampling: request.sampling } : {}),
    signal,
  };
  const grounding = groundingDecoding(pack, tokenizer, request.sampling !== null);
  const report = await generate(session, tokenizer, reportPrompt, pack.rope, {
    ...decoding,
    maxNewTokens: request.maxNewTokens,
    ...prefixFor(reportPrompt),
    onText: (delta) => onEvent({ kind: 'report-text', delta }),
  });
  if (report.stopReason === 'cancelled') throw new DraftCancelledError();
  const parsedReport = parseModelOutput(report.text, pack.boxFormat);
  const sentences = splitFindings(parsedReport.text);

  const abnormal = sentences.filter((s) => s.status === 'abnormal').length;
  onEvent({ kind: 'stage', stage: 'grounding', message: `grounding ${abnormal} abnormal finding(s)` });
  const findings: Finding[] = [];
  let groundingMs = 0;
  for (const [index, sentence] of sentences.entries()) {
    let finding: Finding = {
      text: sentence.text,
      status: sentence.status,
      boxes: [],
      box_source: 'model',
      dropped: [],
      grounding: null,
    };
    if (sentence.status === 'abnormal') {
      const t = performance.now();
      const instruction = groundingInstruction(pack.tasks.phraseGrounding, sentence.text);
      let prompt: Prompt | null = null;
      try {
        prompt = promptFor(instruction);
      } catch (err) {
        // The model wrote something no prompt may carry (a control token): the finding stays, unboxed.
        finding.dropped.push({ reason: `not grounded: ${(err as Error).message}`, text: sentence.text });
      }
      if (prompt) {
        const answer = await generate(session, tokenizer, prompt, pack.rope, {
          ...decoding,
          ...grounding.options,
          maxNewTokens: request.groundingMaxNewTokens,
          ...prefixFor(prompt),
        });
        if (answer.stopReason === 'cancelled') throw new DraftCancelledError();
        finding = {
          ...finding,
          ...boxesFromGrounding(answer.text, pack.boxFormat, { width, height }),
          grounding: {
            prompt: instruction,
            rawText: answer.text,
            stopReason: answer.stopReason,
            generatedTokens: answer.tokenIds.length,
            prefillMs: answer.timings.prefillMs,
            decodeMs: answer.timings.decodeMs,
          },
        };
      }
      groundingMs += performance.now() - t;
    }
    findings.push(finding);
    onEvent({ kind: 'finding', index, count: sentences.length, finding });
  }

  return {
    model: draftModel,
    provider: model.provider,
    image: {
      path: image.path,
      sopInstanceUid: image.sopInstanceUid,
      view: image.view,
      sha256,
      width,
      height,
      resized: prepared.resized,
      imageTokens,
      rendition: rendition.info,
    },
    prompts: { reportGeneration: pack.tasks.reportGeneration, phraseGrounding: pack.tasks.phraseGrounding },
    decoding: {
      maxNewTokens: request.maxNewTokens,
      groundingMaxNewTokens: request.groundingMaxNewTokens,
      sampling: request.sampling,
      stopTokenIds: pack.stopTokenIds,
      coordinates: grounding.coordinates,
    },
    tokens: {
      prefix: prefixIds.length,
      reportPrompt: reportPrompt.inputIds.length,
      reportGenerated: report.tokenIds.length,
    },
    stopReason: report.stopReason,
    rawText: report.text,
    report: parsedReport.text,
    thinking: parsedReport.thinking,
    findings,
    timings: {
      loadModelMs,
      renderMs,
      preprocessMs,
      encodeImageMs,
      prefixPrefillMs,
      reportPrefillMs: report.timings.prefillMs,
      reportDecodeMs: report.timings.decodeMs,
      groundingMs,
      totalMs: performance.now() - started,
    },
    createdAt: new Date().toISOString(),
  };
}
