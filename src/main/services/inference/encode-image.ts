// The model's view of one image: rendered as the viewer renders it, resized and normalised as the
// pack's processor does, and encoded by the vision graph. Drafts and "ground this" both start here.
import type { DraftRequest } from '../../../shared/draft';
import { renderFile } from '../dicom/pixels';
import type { Prompt } from './engine/generate';
import type { ModelCache, OpenModel } from './engine/open-model';
import { preprocessImage } from './engine/preprocess-image';

const since = (t: number) => performance.now() - t;

/** Called once the image is prepared, before the (slow) encoding starts. */
type BeforeEncode = (prepared: {
  width: number;
  height: number;
  resized: { width: number; height: number };
  imageTokens: number;
}) => void;

export async function encodeImage(model: OpenModel, path: string, beforeEncode?: BeforeEncode) {
  let t = performance.now();
  const rendition = await renderFile(path, { frame: 0, window: { kind: 'auto' } });
  const renderMs = since(t);
  const { rows: height, columns: width } = rendition.info;
  t = performance.now();
  const prepared = preprocessImage(
    { pixels: rendition.pixels, width, height, channels: 1 },
    model.pack.imageConfig,
  );
  const preprocessMs = since(t);
  beforeEncode?.({ width, height, resized: prepared.resized, imageTokens: prepared.imageTokens });
  t = performance.now();
  const encoding = await model.session.encodeImage(prepared.pixelValues, prepared.dims, prepared.gridThw);
  const encodeImageMs = since(t);
  const promptFor = (instruction: string): Prompt => ({
    inputIds: model.tokenizer.imagePrompt({ instruction, imageTokens: prepared.imageTokens }).inputIds,
    image: { encoding, gridThw: prepared.gridThw },
  });
  return { rendition, width, height, prepared, promptFor, renderMs, preprocessMs, encodeImageMs };
}

/** The pack's phrase-grounding instruction for a phrase. */
export const groundingInstruction = (template: string, phrase: string): string =>
  template.replaceAll('{phrase}', phrase);

/** The pack a draft or grounding request names, opened (or reused) on its provider. */
export const openRequestedModel = (
  models: ModelCache,
  request: Pick<DraftRequest, 'modelDir' | 'provider' | 'variant' | 'threads' | 'hashCacheFile'>,
) =>
  models.get({
    dir: request.modelDir,
    provider: request.provider,
    variant: request.variant,
    threads: request.threads,
    hashCacheFile: request.hashCacheFile,
  });
