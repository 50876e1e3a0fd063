// The model's view of one image: rendered as the viewer renders it, resized and normalised as the
// pack's processor does, and encoded by the vision graph. Drafts and "ground this" both start here.
import { readFile } from 'node:fs/promises';
import type { DraftImage, DraftRequest } from '../../../shared/draft';
import { sha256Hex } from '../dicom/content-hash';
import { renderDicom } from '../dicom/pixels';
import type { Prompt } from './engine/generate';
import type { ModelCache, OpenModel } from './engine/open-model';
import { preprocessImage } from './engine/preprocess-image';
import { DraftImageChangedError } from './image-changed';

const since = (t: number) => performance.now() - t;

/** Called once the image is prepared, before the (slow) encoding starts. */
type BeforeEncode = (prepared: {
  width: number;
  height: number;
  resized: { width: number; height: number };
  imageTokens: number;
}) => void;

/** The image's bytes, read once: what is hashed is what is rendered. */
async function readPinned(image: Pick<DraftImage, 'path' | 'sha256'>) {
  const bytes = new Uint8Array(await readFile(image.path));
  const sha256 = await sha256Hex(bytes);
  if (image.sha256 !== undefined && sha256 !== image.sha256)
    throw new DraftImageChangedError(
      'the image file changed on disk after it was imported (its sha256 is no longer the one taken at intake)',
    );
  return { bytes, sha256 };
}

export async function encodeImage(
  model: OpenModel,
  image: Pick<DraftImage, 'path' | 'sha256'>,
  beforeEncode?: BeforeEncode,
) {
  let t = performance.now();
  const { bytes, sha256 } = await readPinned(image);
  const rendition = await renderDicom(bytes, { frame: 0, window: { kind: 'auto' } });
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
  return { sha256, rendition, width, height, prepared, promptFor, renderMs, preprocessMs, encodeImageMs };
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
