// A drafted report with grounded findings, and the messages between the app (or CLI) and the inference
// process that drafts it. Every message crossing the process boundary is parsed with these schemas.
import { z } from 'zod';
import { MAX_BOX_COORDINATE } from './box-on-image';
import { idSchema, viewSchema } from './domain';

/** What the user asked for; `auto` picks the best available on this machine. */
export const providerSettingSchema = z.enum(['auto', 'cpu', 'cuda', 'dml', 'coreml']);
export type ProviderSetting = z.infer<typeof providerSettingSchema>;

export const executionProviderSchema = z.enum(['cpu', 'cuda', 'dml', 'coreml']);
export type ExecutionProvider = z.infer<typeof executionProviderSchema>;

/** The provider in use and, when it is not the one asked for (or auto's first choice), why. */
export const providerChoiceSchema = z.object({
  provider: executionProviderSchema,
  requested: providerSettingSchema,
  fallbackReason: z.string().nullable(),
});
export type ProviderChoice = z.infer<typeof providerChoiceSchema>;

const coordinate = z.number().min(-MAX_BOX_COORDINATE).max(MAX_BOX_COORDINATE);

/** In pixels of the original image (DICOM columns x rows), origin top left; finite and bounded. */
export const boxSchema = z.object({ x: coordinate, y: coordinate, width: coordinate, height: coordinate });
export type Box = z.infer<typeof boxSchema>;

/** A box the model wrote that could not be used, or a note why a finding has none. */
export const droppedBoxSchema = z.object({ reason: z.string(), text: z.string() });
export type DroppedBox = z.infer<typeof droppedBoxSchema>;

export const stopReasonSchema = z.enum(['stop-token', 'max-tokens', 'cancelled']);

export const groundingSchema = z.object({
  prompt: z.string(),
  rawText: z.string(),
  stopReason: stopReasonSchema,
  generatedTokens: z.number().int(),
  prefillMs: z.number(),
  decodeMs: z.number(),
});

export const findingSchema = z.object({
  text: z.string(),
  status: z.enum(['normal', 'abnormal']),
  boxes: z.array(boxSchema),
  box_source: z.literal('model'),
  dropped: z.array(droppedBoxSchema),
  /** The phrase-grounding run behind the boxes; null for findings that were not grounded. */
  grounding: groundingSchema.nullable(),
});
export type Finding = z.infer<typeof findingSchema>;

/** How box coordinates were decoded: token by token, or as the median of the model's distribution. */
export const coordinateDecodingSchema = z.enum(['tokens', 'median']);

export const samplingSchema = z.object({
  temperature: z.number().positive(),
  topP: z.number().gt(0).lte(1),
  seed: z.number().int(),
});

/** The rendition of the image the model saw (RenditionInfo of the pixel pipeline; the rest passes through). */
export const renditionSchema = z.looseObject({
  frameIndex: z.number().int(),
  rows: z.number().int(),
  columns: z.number().int(),
  photometric: z.string(),
  inverted: z.boolean(),
  transferSyntaxUid: z.string(),
});

export const draftTimingsSchema = z.object({
  loadModelMs: z.number(),
  renderMs: z.number(),
  preprocessMs: z.number(),
  encodeImageMs: z.number(),
  /** The shared system + image prefix, once for all prompts of the draft. */
  prefixPrefillMs: z.number(),
  reportPrefillMs: z.number(),
  reportDecodeMs: z.number(),
  groundingMs: z.number(),
  totalMs: z.number(),
});

/** The pack a draft was written with. */
export const draftModelSchema = z.object({
  id: z.string(),
  version: z.string(),
  variant: z.string(),
  /** sha256 of manifest.json, which holds the sha256 of every file of the pack. */
  manifestSha256: z.string(),
  checkpointSha256: z.string().nullable(),
  intendedUse: z.string(),
});
export type DraftModel = z.infer<typeof draftModelSchema>;

export const draftSchema = z.object({
  model: draftModelSchema,
  provider: providerChoiceSchema,
  image: z.object({
    path: z.string(),
    sopInstanceUid: z.string().nullable(),
    view: viewSchema,
    /** Of the bytes the draft was made from; absent in drafts stored before it was kept. */
    sha256: z.string().optional(),
    width: z.number().int(),
    height: z.number().int(),
    resized: z.object({ width: z.number().int(), height: z.number().int() }),
    imageTokens: z.number().int(),
    rendition: renditionSchema,
  }),
  prompts: z.object({ reportGeneration: z.string(), phraseGrounding: z.string() }),
  decoding: z.object({
    maxNewTokens: z.number().int(),
    groundingMaxNewTokens: z.number().int(),
    sampling: samplingSchema.nullable(),
    stopTokenIds: z.array(z.number().int()),
    /** Drafts stored before coordinates were decoded by their median read as 'tokens', which they were. */
    coordinates: coordinateDecodingSchema.default('tokens'),
  }),
  tokens: z.object({
    prefix: z.number().int(),
    reportPrompt: z.number().int(),
    reportGenerated: z.number().int(),
  }),
  stopReason: stopReasonSchema,
  /** The report generation output as the model wrote it. */
  rawText: z.string(),
  /** Without <think> blocks and with a runaway repetition cut. */
  report: z.string(),
  thinking: z.array(z.string()),
  findings: z.array(findingSchema),
  timings: draftTimingsSchema,
  createdAt: z.string(),
});
export type Draft = z.infer<typeof draftSchema>;

const draftImageSchema = z.object({
  path: z.string(),
  view: viewSchema,
  sopInstanceUid: z.string().nullable(),
  /**
   * The sha256 the library pinned at intake: the inference process drafts the file only while its bytes
   * still hash to it. Absent for a file given by path (CLI).
   */
  sha256: z.string().optional(),
});
export type DraftImage = z.infer<typeof draftImageSchema>;

export const draftRequestSchema = z.object({
  /** The pack folder, models/<id>. */
  modelDir: z.string(),
  provider: providerSettingSchema,
  /** fp32 / fp16 / q4; default: the best the pack has for the provider. */
  variant: z.string().optional(),
  source: z.discriminatedUnion('kind', [
    /** A DICOM file, or a folder holding one study (CLI). */
    z.object({ kind: z.literal('path'), path: z.string() }),
    /** A library study's images (the app); the frontal one is drafted. */
    z.object({ kind: z.literal('images'), images: z.array(draftImageSchema).min(1) }),
  ]),
  maxNewTokens: z.number().int().positive(),
  groundingMaxNewTokens: z.number().int().positive(),
  sampling: samplingSchema.nullable(),
  threads: z.number().int().positive().optional(),
  /** JSON file remembering the pack files' sha256 by size and mtime; null hashes every load. */
  hashCacheFile: z.string().nullable(),
});
export type DraftRequest = z.infer<typeof draftRequestSchema>;

export const draftStageSchema = z.enum(['load-model', 'render', 'encode-image', 'report', 'grounding']);
export type DraftStage = z.infer<typeof draftStageSchema>;

export const draftEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('stage'), stage: draftStageSchema, message: z.string() }),
  z.object({ kind: z.literal('provider'), choice: providerChoiceSchema }),
  /** Once the pack is open, so its intended use shows before the draft ends. */
  z.object({ kind: z.literal('model'), model: draftModelSchema }),
  /** Report text as the model writes it. */
  z.object({ kind: z.literal('report-text'), delta: z.string() }),
  /** A finding with its boxes, as soon as it is grounded (normal findings come without grounding). */
  z.object({
    kind: z.literal('finding'),
    index: z.number().int(),
    count: z.number().int(),
    finding: findingSchema,
  }),
]);
export type DraftEvent = z.infer<typeof draftEventSchema>;

/** "Ground this": one phrase-grounding prompt on one image, outside a draft. */
export const groundRequestSchema = draftRequestSchema
  .pick({ modelDir: true, provider: true, variant: true, threads: true, hashCacheFile: true })
  .extend({
    image: draftImageSchema,
    phrase: z.string().min(1).max(300),
    maxNewTokens: z.number().int().positive(),
  });
export type GroundRequest = z.infer<typeof groundRequestSchema>;

export const groundResultSchema = z.object({
  boxes: z.array(boxSchema),
  dropped: z.array(droppedBoxSchema),
  rawText: z.string(),
});
export type GroundResult = z.infer<typeof groundResultSchema>;

export const toInferenceSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('draft'), id: z.number().int(), request: draftRequestSchema }),
  z.object({ type: z.literal('ground'), id: z.number().int(), request: groundRequestSchema }),
  z.object({ type: z.literal('cancel'), id: z.number().int() }),
]);
export type ToInference = z.infer<typeof toInferenceSchema>;

export const fromInferenceSchema = z.discriminatedUnion('type', [
  /** Sent once the process can take drafts. */
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('event'), id: z.number().int(), event: draftEventSchema }),
  z.object({ type: z.literal('done'), id: z.number().int(), draft: draftSchema }),
  z.object({ type: z.literal('grounded'), id: z.number().int(), result: groundResultSchema }),
  z.object({
    type: z.literal('failed'),
    id: z.number().int(),
    message: z.string(),
    cancelled: z.boolean(),
    /** The image's bytes no longer hash to the sha256 the request pinned. */
    imageChanged: z.boolean().optional(),
  }),
]);
export type FromInference = z.infer<typeof fromInferenceSchema>;

/** What the app hears about one draft of a library study: the pipeline's events, then its end. */
export const draftProgressSchema = z.object({
  draftId: idSchema,
  studyId: idSchema,
  event: z.discriminatedUnion('kind', [
    ...draftEventSchema.options,
    z.object({ kind: z.literal('done'), draft: draftSchema }),
    /** cancelled: the user stopped it; otherwise message says what went wrong. */
    z.object({ kind: z.literal('error'), message: z.string(), cancelled: z.boolean() }),
  ]),
});
export type DraftProgress = z.infer<typeof draftProgressSchema>;
