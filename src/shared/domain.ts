// Domain types shared by every process. Schemas are the source of truth; types are inferred.
import { z } from 'zod';

export const studyStatusSchema = z.enum(['new', 'drafted', 'signed']);
export type StudyStatus = z.infer<typeof studyStatusSchema>;

/** Chest X-ray view, from ViewPosition (0018,5101) or, failing that, descriptions. */
export const viewSchema = z.enum(['PA', 'AP', 'LATERAL', 'OTHER']);
export type View = z.infer<typeof viewSchema>;

export const isFrontal = (view: View): boolean => view === 'PA' || view === 'AP';

/** Opaque identifiers: database keys are never paths. */
export const idSchema = z
  .string()
  .regex(/^[0-9a-f]{16}$/, 'expected a 16-digit hex id')
  .max(16);
export type Id = z.infer<typeof idSchema>;

export const instanceSchema = z.object({
  id: idSchema,
  sopInstanceUid: z.string(),
  instanceNumber: z.number().nullable(),
  view: viewSchema,
  rows: z.number().int(),
  columns: z.number().int(),
  frames: z.number().int(),
  photometric: z.string(),
  transferSyntaxUid: z.string(),
  /** Another indexed file carries the same SOPInstanceUID with different content. */
  duplicateOf: z.array(idSchema),
});
export type Instance = z.infer<typeof instanceSchema>;

export const seriesSchema = z.object({
  id: idSchema,
  seriesInstanceUid: z.string(),
  seriesNumber: z.number().nullable(),
  modality: z.string(),
  description: z.string(),
  bodyPart: z.string(),
  instances: z.array(instanceSchema),
});
export type Series = z.infer<typeof seriesSchema>;

export const studySummarySchema = z.object({
  id: idSchema,
  studyInstanceUid: z.string(),
  patientName: z.string(),
  patientId: z.string(),
  /** DICOM DA as YYYY-MM-DD, or '' when absent or malformed. */
  studyDate: z.string(),
  description: z.string(),
  accession: z.string(),
  modalities: z.array(z.string()),
  views: z.array(viewSchema),
  imageCount: z.number().int(),
  status: studyStatusSchema,
  importedAt: z.string(),
});
export type StudySummary = z.infer<typeof studySummarySchema>;

export const studySchema = studySummarySchema.extend({
  patientBirthDate: z.string(),
  patientSex: z.string(),
  /** Series ordered for reading: frontal first, then lateral, then the rest. */
  series: z.array(seriesSchema),
});
export type Study = z.infer<typeof studySchema>;

export const importIssueSchema = z.object({
  path: z.string(),
  reason: z.string(),
});
export type ImportIssue = z.infer<typeof importIssueSchema>;

export const importReportSchema = z.object({
  scanned: z.number().int(),
  added: z.number().int(),
  unchanged: z.number().int(),
  rejected: z.array(importIssueSchema),
  /** Files indexed whose SOPInstanceUID another indexed file already has. */
  duplicates: z.array(z.object({ path: z.string(), sopInstanceUid: z.string() })),
  studyIds: z.array(idSchema),
  elapsedMs: z.number(),
});
export type ImportReport = z.infer<typeof importReportSchema>;

export const importProgressSchema = z.object({
  done: z.number().int(),
  total: z.number().int(),
});
export type ImportProgress = z.infer<typeof importProgressSchema>;

export const tagRowSchema = z.object({
  tag: z.string(),
  vr: z.string(),
  name: z.string(),
  value: z.string(),
  depth: z.number().int(),
});
export type TagRow = z.infer<typeof tagRowSchema>;

export const tagDumpSchema = z.object({
  rows: z.array(tagRowSchema),
  /** Human-readable warnings, e.g. a header that disagrees with the pixels or a duplicate UID. */
  warnings: z.array(z.string()),
});
export type TagDump = z.infer<typeof tagDumpSchema>;
