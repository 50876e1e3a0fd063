// The feedback record: what the model drafted and what the reader made of it, for one signed report or
// one annotator's correction. It carries pseudonyms only (no names, UIDs, dates of the patient), so it
// can be exported after the image and free text are de-identified. Also the export and quality views.
import { z } from 'zod';
import {
  boxSchema,
  coordinateDecodingSchema,
  draftModelSchema,
  providerChoiceSchema,
  renditionSchema,
  samplingSchema,
} from './draft';
import { roleSchema } from './reading';
import { viewSchema } from './domain';

/** A box in both coordinate systems: image pixels and the model's [x1, y1, x2, y2] fractions. */
export const recordBoxSchema = z.object({
  pixel: boxSchema,
  normalized: z.tuple([z.number(), z.number(), z.number(), z.number()]),
});
export type RecordBox = z.infer<typeof recordBoxSchema>;

export const recordFindingSchema = z.object({
  text: z.string(),
  status: z.enum(['normal', 'abnormal']).nullable(),
  boxes: z.array(recordBoxSchema),
});
export type RecordFinding = z.infer<typeof recordFindingSchema>;

export const findingActionSchema = z.object({
  action: z.enum(['accepted', 'edited', 'rejected', 'added']),
  draftText: z.string().nullable(),
  finalText: z.string().nullable(),
  draftBoxes: z.array(recordBoxSchema),
  finalBoxes: z.array(recordBoxSchema),
  /** Mean IoU of the Hungarian-matched draft/final box pairs (unmatched count 0); null without boxes on both sides. */
  boxIou: z.number().nullable(),
  /** Whether any box was added, moved, resized or deleted. */
  boxesChanged: z.boolean(),
});
export type FindingAction = z.infer<typeof findingActionSchema>;

export const feedbackRecordSchema = z.object({
  schemaVersion: z.literal(1),
  recordId: z.string().regex(/^[0-9a-f]{16}$/),
  kind: z.enum(['signed-report', 'annotator-correction']),
  createdAt: z.string(),
  /** Keyed-hash pseudonyms (site secret), stable across records, never the UIDs. */
  refs: z.object({ patient: z.string(), study: z.string(), series: z.string(), instance: z.string() }),
  view: viewSchema,
  image: z.object({
    width: z.number().int(),
    height: z.number().int(),
    resized: z.object({ width: z.number().int(), height: z.number().int() }),
    imageTokens: z.number().int(),
    rendition: renditionSchema,
  }),
  model: draftModelSchema.nullable(),
  provider: providerChoiceSchema.nullable(),
  prompts: z.object({ reportGeneration: z.string(), phraseGrounding: z.string() }).nullable(),
  decoding: z
    .object({
      maxNewTokens: z.number().int(),
      groundingMaxNewTokens: z.number().int(),
      sampling: samplingSchema.nullable(),
      coordinates: coordinateDecodingSchema.default('tokens'),
    })
    .nullable(),
  /** What the model wrote; null when the study was read without a draft. */
  draft: z.object({ report: z.string(), findings: z.array(recordFindingSchema) }).nullable(),
  final: z.object({ report: z.string(), impression: z.string(), findings: z.array(recordFindingSchema) }),
  actions: z.array(findingActionSchema),
  reading: z.object({
    version: z.number().int(),
    parentVersion: z.number().int().nullable(),
    role: roleSchema,
    readerId: z.string(),
    timeOnTaskMs: z.number().nonnegative(),
    signedAt: z.string(),
  }),
  exclude: z.object({ excluded: z.boolean(), reason: z.string().nullable() }),
});
export type FeedbackRecord = z.infer<typeof feedbackRecordSchema>;

export const exportFormatSchema = z.enum(['trl-dpo', 'trl-kto', 'verl-grpo', 'jsonl']);
export type ExportFormat = z.infer<typeof exportFormatSchema>;

export const exportSummarySchema = z.object({
  outDir: z.string(),
  format: exportFormatSchema,
  records: z.number().int(),
  rows: z.number().int(),
  images: z.number().int(),
  excluded: z.array(z.object({ recordId: z.string(), reason: z.string() })),
});
export type ExportSummary = z.infer<typeof exportSummarySchema>;

export const actionCountsSchema = z.object({
  accepted: z.number().int(),
  edited: z.number().int(),
  rejected: z.number().int(),
  added: z.number().int(),
});

/** One model version's agreement with its readers (model-quality view, CSV). */
export const modelQualitySchema = z.object({
  modelId: z.string(),
  modelVersion: z.string(),
  records: z.number().int(),
  findings: actionCountsSchema,
  meanBoxIou: z.number().nullable(),
  /** The seed paper's grounding reward: IoU-weighted soft F1 with Hungarian matching, mean over drafts. */
  meanGroundingReward: z.number().nullable(),
  meanGleu: z.number().nullable(),
  /** Word-level Levenshtein distance between draft and final findings text, mean over drafts. */
  meanEditDistance: z.number().nullable(),
  /** Finding-label agreement (negation-aware): micro F1 of draft labels against final labels. */
  labelF1: z.number().nullable(),
});
export type ModelQuality = z.infer<typeof modelQualitySchema>;

/** Per draft, for the plots. */
export const qualityPointSchema = z.object({
  recordId: z.string(),
  modelId: z.string(),
  modelVersion: z.string(),
  createdAt: z.string(),
  groundingReward: z.number().nullable(),
  gleu: z.number().nullable(),
  editDistance: z.number().nullable(),
});
export type QualityPoint = z.infer<typeof qualityPointSchema>;
