// The reading of a study: the reader's working copy of a draft (findings, boxes, impression), the edit
// operations that change it, sign-off and amendments, and who the reader is. Main owns the state; the
// renderer sends operations and gets the new state back.
import { z } from 'zod';
import { boxSchema } from './draft';
import { idSchema } from './domain';

export const roleSchema = z.enum(['radiologist', 'annotator']);
export type Role = z.infer<typeof roleSchema>;

/** The reader at this workstation. readerId is a pseudonym (never a name) and is what records carry. */
export const readerProfileSchema = z.object({
  readerId: z.string().regex(/^r-[0-9a-f]{16}$/),
  displayName: z.string().max(200),
  role: roleSchema,
  /** 'site': fixed by the site configuration file; 'local': chosen on this machine. */
  source: z.enum(['site', 'local']),
});
export type ReaderProfile = z.infer<typeof readerProfileSchema>;

/**
 * pending: model text not yet looked at; accepted: model text kept as is; edited: model text changed
 * (the original stays in modelText); rejected: model finding struck out; added: written by the reader.
 */
export const findingStateSchema = z.enum(['pending', 'accepted', 'edited', 'rejected', 'added']);
export type FindingState = z.infer<typeof findingStateSchema>;

export const readerBoxSchema = boxSchema.extend({
  id: idSchema,
  source: z.enum(['model', 'reader']),
  /** The model's box this one started from; null for boxes the reader drew. */
  modelBox: boxSchema.nullable(),
});
export type ReaderBox = z.infer<typeof readerBoxSchema>;

export const readingFindingSchema = z.object({
  id: idSchema,
  /** Index into the draft's findings; null for findings the reader added. */
  modelIndex: z.number().int().nullable(),
  /** The model's sentence, kept whatever the reader does to `text`. */
  modelText: z.string().nullable(),
  text: z.string(),
  state: findingStateSchema,
  boxes: z.array(readerBoxSchema),
});
export type ReadingFinding = z.infer<typeof readingFindingSchema>;

export const readingStatusSchema = z.enum(['in-progress', 'signed', 'submitted']);

export const readingSchema = z.object({
  studyId: idSchema,
  /** 1 for the first reading; an amendment is the next version. */
  version: z.number().int().positive(),
  /** The signed version this one amends (or, for an annotator's correction, corrects). */
  parentVersion: z.number().int().positive().nullable(),
  /** Increases with every change; an operation based on an older revision is refused. */
  revision: z.number().int().nonnegative(),
  status: readingStatusSchema,
  draftId: idSchema.nullable(),
  /** The image the findings' boxes belong to (the drafted frontal image). */
  instanceId: idSchema.nullable(),
  findings: z.array(readingFindingSchema),
  impression: z.string(),
  canUndo: z.boolean(),
  canRedo: z.boolean(),
  signedBy: z.string().nullable(),
  signedAt: z.string().nullable(),
  updatedAt: z.string(),
  /** The study's exclude-from-training flag; null while the study has no feedback record. */
  exclude: z.object({ excluded: z.boolean(), reason: z.string().nullable() }).nullable(),
});
export type Reading = z.infer<typeof readingSchema>;

/**
 * Whether an image may carry burned-in text (export leaves it out unless a radiologist confirmed it
 * clean): its header's BurnedInAnnotation (0028,0301), 'unknown' unless it is one value, YES or NO; and
 * the confirmation, which belongs to the file's content (its sha256 at intake), not to its path.
 */
export const burnedInStateSchema = z.object({
  annotation: z.enum(['YES', 'NO', 'unknown']),
  confirmedClean: z.boolean(),
  /** Radiologists confirm an image clean; any reader may withdraw a confirmation. */
  mayConfirm: z.boolean(),
  /**
   * The file was found changed on disk while its state was read, and was indexed again: what is shown is
   * the new file's, and a confirmation of the earlier one does not carry over.
   */
  changed: z.boolean(),
});
export type BurnedInState = z.infer<typeof burnedInStateSchema>;

const text = z.string().max(20_000);
const pixelBox = boxSchema.refine((b) => b.width > 0 && b.height > 0, 'a box needs a positive size');

/** One edit. Ids of new findings and boxes come from the sender so that undo/redo can name them. */
export const readingOpSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('finding.accept'), findingId: idSchema }),
  z.object({ type: z.literal('finding.reject'), findingId: idSchema }),
  /** Back to pending (model findings) from accepted, edited or rejected; the text returns to the model's. */
  z.object({ type: z.literal('finding.restore'), findingId: idSchema }),
  z.object({ type: z.literal('finding.edit'), findingId: idSchema, text }),
  z.object({ type: z.literal('finding.add'), findingId: idSchema, text }),
  /** Removes a finding the reader added (model findings are rejected instead, never removed). */
  z.object({ type: z.literal('finding.remove'), findingId: idSchema }),
  z.object({ type: z.literal('box.add'), findingId: idSchema, boxId: idSchema, box: pixelBox }),
  z.object({ type: z.literal('box.update'), boxId: idSchema, box: pixelBox }),
  z.object({ type: z.literal('box.delete'), boxId: idSchema }),
  /** Moves a box to another finding. */
  z.object({ type: z.literal('box.relabel'), boxId: idSchema, findingId: idSchema }),
  z.object({ type: z.literal('impression.set'), text }),
]);
export type ReadingOp = z.infer<typeof readingOpSchema>;

/** Operations an annotator may apply: boxes only. */
export const ANNOTATOR_OPS: readonly ReadingOp['type'][] = [
  'box.add',
  'box.update',
  'box.delete',
  'box.relabel',
];
