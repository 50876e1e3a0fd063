// A model pack (docs/model-pack.md, contract 1.1) from models/<id>: the manifest read and checked, every
// file the chosen variant needs verified against its sha256, and what the engine takes from the pack
// (graphs, prompts, box format, image preprocessing, rotary and stop token ids) gathered in one object.
// Every refusal is one line naming the pack and the file.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { FileHashes } from './file-hashes';
import { parseImageProcessorConfig, type ImageProcessorConfig } from './image-processor-config';
import type { BoxFormat } from './parse-output';
import type { RopeConfig } from './rope-index';
import type { GraphPaths, KvCacheLayout } from './session';

/** 1.1 adds kv_cache (a delta decoder); a pack without it is read as contract 1. */
export const SUPPORTED_CONTRACT_VERSIONS: readonly string[] = ['1', '1.1'];

export class PackError extends Error {}

export type PackTasks = {
  reportGeneration: string;
  /** With a `{phrase}` placeholder. */
  phraseGrounding: string;
  /** With an `{abnormality}` placeholder; null when the pack has none. */
  abnormalityGrounding: string | null;
};

export type ModelPack = {
  dir: string;
  id: string;
  version: string;
  variant: string;
  variants: string[];
  manifestSha256: string;
  checkpointSha256: string | null;
  intendedUse: 'clinical-research' | 'demo-not-for-clinical-use';
  licence: string;
  graphs: GraphPaths;
  kvCache: KvCacheLayout;
  tasks: PackTasks;
  boxFormat: BoxFormat;
  imageConfig: ImageProcessorConfig;
  rope: RopeConfig;
  stopTokenIds: number[];
  /** Files whose sha256 was computed now rather than taken from the cache. */
  hashedFiles: number;
};

export type LoadPackOptions = {
  /** Exactly this variant; otherwise the first of `preferVariants` the pack has, else its first. */
  variant?: string;
  preferVariants?: readonly string[];
  /** See FileHashes; null or absent keeps the hashes in memory only. */
  hashCacheFile?: string | null;
};

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 in hex');
const taskSchema = z.looseObject({ prompt: z.string().min(1) });
const tokenIds = z.union([z.number().int(), z.array(z.number().int())]);

const manifestSchema = z.looseObject({
  id: z.string().min(1),
  version: z.string(),
  contract_version: z.string(),
  architecture: z.string(),
  source: z.looseObject({ checkpoint_sha256: hex64.nullable().optional() }),
  variants: z.record(
    z.string(),
    z.looseObject({
      graphs: z.object({
        vision_encoder: z.string(),
        embed_tokens: z.string(),
        decoder_model_merged: z.string(),
      }),
    }),
  ),
  tasks: z.looseObject({
    report_generation: taskSchema,
    phrase_grounding: taskSchema.refine((t) => t.prompt.includes('{phrase}'), 'prompt needs {phrase}'),
    abnormality_grounding: taskSchema.optional(),
  }),
  box_format: z.enum(['radvlm-fraction-xyxy', 'qwen-bbox-2d-1000']),
  kv_cache: z.object({ layout: z.literal('capacity-buffer'), outputs: z.literal('delta') }).optional(),
  special_token_ids: z.looseObject({ eos: tokenIds.optional() }),
  licence: z.string().optional(),
  intended_use: z.enum(['clinical-research', 'demo-not-for-clinical-use']),
  files: z.record(z.string(), z.object({ bytes: z.number().int().nonnegative(), sha256: hex64 })),
});

const configSchema = z.looseObject({
  image_token_id: z.number().int(),
  vision_start_token_id: z.number().int(),
  eos_token_id: tokenIds.nullish(),
  vision_config: z.looseObject({ spatial_merge_size: z.number().int().positive() }),
  text_config: z.looseObject({ eos_token_id: tokenIds.nullish() }).optional(),
});
const generationConfigSchema = z.looseObject({ eos_token_id: tokenIds.nullish() });

const GRAPH_DATA_SUFFIX = '_data';

/** The first problem zod found, on one line. */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const at = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  return `${at}${issue?.message ?? 'invalid'}`;
}

const list = (ids: number | number[] | null | undefined): number[] =>
  ids === null || ids === undefined ? [] : Array.isArray(ids) ? ids : [ids];

export async function loadPack(dir: string, options: LoadPackOptions = {}): Promise<ModelPack> {
  const root = resolve(dir);
  const fail = (message: string): never => {
    throw new PackError(`model pack ${dir}: ${message}`);
  };
  try {
    if (!(await stat(root)).isDirectory()) fail('is not a folder');
  } catch (err) {
    if (err instanceof PackError) throw err;
    fail('does not exist');
  }
  const inside = (file: string): string => {
    const path = resolve(root, file);
    const rel = relative(root, path);
    if (!rel || rel.startsWith('..') || isAbsolute(rel))
      fail(`manifest.json names ${file}, outside the pack`);
    return path;
  };

  let manifestBytes: Buffer;
  try {
    manifestBytes = await readFile(join(root, 'manifest.json'));
  } catch {
    return fail('no manifest.json (not a model pack, or an unfinished export)');
  }
  let json: unknown;
  try {
    json = JSON.parse(manifestBytes.toString('utf8'));
  } catch {
    return fail('manifest.json is not valid JSON');
  }
  const version = z.looseObject({ contract_version: z.string() }).safeParse(json);
  if (version.success && !SUPPORTED_CONTRACT_VERSIONS.includes(version.data.contract_version)) {
    fail(
      `contract version ${version.data.contract_version} is not supported ` +
        `(this Lightbox reads ${SUPPORTED_CONTRACT_VERSIONS.join(', ')})`,
    );
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) return fail(`manifest.json: ${firstIssue(parsed.error)}`);
  const manifest = parsed.data;
  if (manifest.kv_cache && manifest.contract_version === '1')
    fail('manifest.json: kv_cache needs contract version 1.1 (Lightbox versions that read only 1 ignore it)');

  const variants = Object.keys(manifest.variants);
  const variant = options.variant ?? options.preferVariants?.find((v) => variants.includes(v)) ?? variants[0];
  if (variant === undefined) return fail('manifest.json lists no variants');
  const chosen = manifest.variants[variant];
  if (!chosen) return fail(`has no variant ${variant} (it has ${variants.join(', ')})`);

  // Other variants' graphs are never loaded, so they are not hashed; everything else is.
  const graphFiles = (graphs: Record<string, string>) =>
    Object.values(graphs).flatMap((g) => [g, `${g}${GRAPH_DATA_SUFFIX}`]);
  const needed = new Set(graphFiles(chosen.graphs));
  const unused = new Set(
    Object.entries(manifest.variants)
      .filter(([name]) => name !== variant)
      .flatMap(([, v]) => graphFiles(v.graphs))
      .filter((f) => !needed.has(f)),
  );
  for (const graph of Object.values(chosen.graphs))
    if (!manifest.files[graph]) fail(`manifest.json does not list the hash of ${graph}`);
  const hashes = await FileHashes.open(options.hashCacheFile ?? null);
  let hashedFiles = 0;
  for (const [file, expected] of Object.entries(manifest.files)) {
    if (unused.has(file)) continue;
    const path = inside(file);
    let actual: { size: number; sha256: string; cached: boolean };
    try {
      actual = await hashes.hash(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return fail(
        code === 'ENOENT' ? `${file} is missing` : `${file} cannot be read (${code ?? String(err)})`,
      );
    }
    if (!actual.cached) hashedFiles++;
    if (actual.size !== expected.bytes)
      fail(`${file} has ${actual.size} bytes, manifest.json says ${expected.bytes} (corrupt or tampered)`);
    if (actual.sha256 !== expected.sha256)
      fail(`${file} does not match its sha256 in manifest.json (corrupt or tampered)`);
  }
  await hashes.save();

  const readJson = async (file: string): Promise<unknown> => {
    if (!manifest.files[file]) fail(`manifest.json does not list the hash of ${file}`);
    try {
      return JSON.parse(await readFile(join(root, file), 'utf8')) as unknown;
    } catch {
      return fail(`${file} is not valid JSON`);
    }
  };
  const config = configSchema.safeParse(await readJson('config.json'));
  if (!config.success) return fail(`config.json: ${firstIssue(config.error)}`);
  const generation = generationConfigSchema.safeParse(await readJson('generation_config.json'));
  if (!generation.success) return fail(`generation_config.json: ${firstIssue(generation.error)}`);
  let imageConfig: ImageProcessorConfig;
  try {
    imageConfig = parseImageProcessorConfig(await readJson('preprocessor_config.json'));
  } catch (err) {
    return fail((err as Error).message.split('\n')[0]!);
  }
  for (const file of ['tokenizer.json', 'tokenizer_config.json'])
    if (!manifest.files[file]) fail(`manifest.json does not list the hash of ${file}`);

  const stopTokenIds = [
    ...new Set([
      ...list(generation.data.eos_token_id),
      ...list(config.data.eos_token_id),
      ...list(config.data.text_config?.eos_token_id),
      ...list(manifest.special_token_ids.eos),
    ]),
  ];
  if (stopTokenIds.length === 0) fail('no stop token ids (generation_config.json eos_token_id)');

  return {
    dir: root,
    id: manifest.id,
    version: manifest.version,
    variant,
    variants,
    manifestSha256: createHash('sha256').update(manifestBytes).digest('hex'),
    checkpointSha256: manifest.source.checkpoint_sha256 ?? null,
    intendedUse: manifest.intended_use,
    licence: manifest.licence ?? 'unknown',
    graphs: {
      visionEncoder: inside(chosen.graphs.vision_encoder),
      embedTokens: inside(chosen.graphs.embed_tokens),
      decoder: inside(chosen.graphs.decoder_model_merged),
    },
    kvCache: manifest.kv_cache ? 'delta' : 'full',
    tasks: {
      reportGeneration: manifest.tasks.report_generation.prompt,
      phraseGrounding: manifest.tasks.phrase_grounding.prompt,
      abnormalityGrounding: manifest.tasks.abnormality_grounding?.prompt ?? null,
    },
    boxFormat: manifest.box_format,
    imageConfig,
    rope: {
      imageTokenId: config.data.image_token_id,
      visionStartTokenId: config.data.vision_start_token_id,
      spatialMergeSize: config.data.vision_config.spatial_merge_size,
    },
    stopTokenIds,
    hashedFiles,
  };
}
