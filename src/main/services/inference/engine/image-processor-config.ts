// The pack's preprocessor_config.json, read with the precedence of transformers' Qwen2VLImageProcessor:
// `min_pixels` / `max_pixels` keys override `size.shortest_edge` / `size.longest_edge`. Geometry and
// normalisation have no safe default (Qwen2-VL's differ from Qwen3-VL's), so they must be present.
import { z } from 'zod';

const BICUBIC = 3;

const triple = z.tuple([z.number(), z.number(), z.number()]);
const positiveInt = z.number().int().positive();

const rawSchema = z.object({
  patch_size: positiveInt,
  temporal_patch_size: positiveInt,
  merge_size: positiveInt,
  image_mean: triple,
  image_std: triple.refine((std) => std.every((s) => s > 0), 'image_std must be positive'),
  size: z.object({ shortest_edge: positiveInt.optional(), longest_edge: positiveInt.optional() }).optional(),
  min_pixels: positiveInt.optional(),
  max_pixels: positiveInt.optional(),
  do_resize: z.boolean().default(true),
  resample: z.number().int().default(BICUBIC),
  do_rescale: z.boolean().default(true),
  rescale_factor: z
    .number()
    .positive()
    .default(1 / 255),
  do_normalize: z.boolean().default(true),
});

export type ImageProcessorConfig = {
  patchSize: number;
  temporalPatchSize: number;
  mergeSize: number;
  minPixels: number;
  maxPixels: number;
  /** null when do_rescale is false. */
  rescaleFactor: number | null;
  /** null when do_normalize is false. */
  normalize: { mean: [number, number, number]; std: [number, number, number] } | null;
};

export function parseImageProcessorConfig(json: unknown): ImageProcessorConfig {
  const parsed = rawSchema.safeParse(json);
  if (!parsed.success) throw new Error(`preprocessor_config.json: ${z.prettifyError(parsed.error)}`);
  const raw = parsed.data;
  if (!raw.do_resize)
    throw new Error(
      'preprocessor_config.json: do_resize false is not supported (Qwen3-VL resizes every image)',
    );
  if (raw.resample !== BICUBIC)
    throw new Error(`preprocessor_config.json: resample ${raw.resample} is not supported, only 3 (bicubic)`);
  const minPixels = raw.min_pixels ?? raw.size?.shortest_edge;
  const maxPixels = raw.max_pixels ?? raw.size?.longest_edge;
  if (minPixels === undefined || maxPixels === undefined) {
    throw new Error(
      'preprocessor_config.json: needs min_pixels/max_pixels or size.shortest_edge/size.longest_edge',
    );
  }
  if (minPixels > maxPixels)
    throw new Error(`preprocessor_config.json: min_pixels ${minPixels} > max_pixels ${maxPixels}`);
  return {
    patchSize: raw.patch_size,
    temporalPatchSize: raw.temporal_patch_size,
    mergeSize: raw.merge_size,
    minPixels,
    maxPixels,
    rescaleFactor: raw.do_rescale ? raw.rescale_factor : null,
    normalize: raw.do_normalize ? { mean: raw.image_mean, std: raw.image_std } : null,
  };
}
