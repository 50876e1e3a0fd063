// The one IPC contract: channel names, argument and result schemas. Main validates every argument
// against it; preload and the test bridge build window.lightbox from it.
import { z } from 'zod';
import {
  idSchema,
  importProgressSchema,
  importReportSchema,
  studySchema,
  studySummarySchema,
  tagDumpSchema,
} from './domain';
import {
  boxSchema,
  draftProgressSchema,
  draftSchema,
  droppedBoxSchema,
  providerSettingSchema,
} from './draft';
import { exportFormatSchema, exportSummarySchema, modelQualitySchema, qualityPointSchema } from './feedback';
import {
  burnedInStateSchema,
  readerProfileSchema,
  readingOpSchema,
  readingSchema,
  roleSchema,
} from './reading';

const path = z.string().min(1).max(4096);
const revision = z.number().int().nonnegative();
/** The most files and folders one drop imports. */
export const MAX_DROPPED = 1000;

export const studySortKeySchema = z.enum(['patientName', 'studyDate', 'modalities', 'status', 'importedAt']);

export const invokeChannels = {
  'app:info': {
    args: z.object({}).strict(),
    result: z.object({ version: z.string(), imageBaseUrl: z.string(), samplesAvailable: z.boolean() }),
  },
  'studies:list': {
    args: z
      .object({
        search: z.string().max(200).optional(),
        sort: z.object({ key: studySortKeySchema, dir: z.enum(['asc', 'desc']) }).optional(),
      })
      .strict(),
    result: z.array(studySummarySchema),
  },
  'studies:get': {
    args: z.object({ studyId: idSchema }).strict(),
    result: studySchema,
  },
  'instances:tags': {
    args: z.object({ instanceId: idSchema }).strict(),
    result: tagDumpSchema,
  },
  /** Files and folders dropped on the window: the preload sends it, never the page (PRELOAD_CHANNELS). */
  'import:dropped': {
    args: z.object({ paths: z.array(path).min(1).max(MAX_DROPPED) }).strict(),
    result: importReportSchema,
  },
  'import:samples': {
    args: z.object({}).strict(),
    result: importReportSchema,
  },
  /** Opens the platform's folder/file dialog in main and imports what was chosen; no path leaves main. */
  'import:pick': {
    args: z.object({ kind: z.enum(['folder', 'files']) }).strict(),
    result: importReportSchema.nullable(),
  },
  /** Starts drafting the study's frontal image; progress arrives as drafts:event. */
  'drafts:start': {
    args: z.object({ studyId: idSchema, provider: providerSettingSchema.optional() }).strict(),
    /** sopInstanceUid: the image being drafted, where the boxes will be drawn. */
    result: z.object({ draftId: idSchema, sopInstanceUid: z.string().nullable() }),
  },
  'drafts:cancel': {
    args: z.object({ draftId: idSchema }).strict(),
    result: z.null(),
  },
  /** The study's latest finished draft. */
  'drafts:get': {
    args: z.object({ studyId: idSchema }).strict(),
    result: draftSchema.nullable(),
  },
  /** "Ground this": the model's boxes for a phrase on the reading's image (phrase-grounding task). */
  'drafts:ground': {
    args: z.object({ studyId: idSchema, phrase: z.string().trim().min(1).max(300) }).strict(),
    result: z.object({ boxes: z.array(boxSchema), dropped: z.array(droppedBoxSchema), rawText: z.string() }),
  },
  /** null until a profile exists (the renderer then asks for one). */
  'profile:get': {
    args: z.object({}).strict(),
    result: readerProfileSchema.nullable(),
  },
  /** Refused when the site configuration fixes the profile. */
  'profile:set': {
    args: z.object({ displayName: z.string().trim().min(1).max(200), role: roleSchema }).strict(),
    result: readerProfileSchema,
  },
  /** The study's current reading, started from its latest draft (or empty) when there is none. */
  'reading:open': {
    args: z.object({ studyId: idSchema }).strict(),
    result: readingSchema,
  },
  /** Applies one edit; refused if `revision` is not the stored one (another window changed it). */
  'reading:apply': {
    args: z.object({ studyId: idSchema, revision, op: readingOpSchema }).strict(),
    result: readingSchema,
  },
  'reading:undo': {
    args: z.object({ studyId: idSchema, revision }).strict(),
    result: readingSchema,
  },
  'reading:redo': {
    args: z.object({ studyId: idSchema, revision }).strict(),
    result: readingSchema,
  },
  /** Radiologists only: the reading becomes read-only and a feedback record is written. */
  'reading:sign': {
    args: z.object({ studyId: idSchema, revision }).strict(),
    result: readingSchema,
  },
  /** Annotators only: submits the box corrections as a feedback record; read-only afterwards. */
  'reading:submit': {
    args: z.object({ studyId: idSchema, revision }).strict(),
    result: readingSchema,
  },
  /** A new version from the signed one: an amendment (radiologist) or a box correction (annotator). */
  'reading:revise': {
    args: z.object({ studyId: idSchema }).strict(),
    result: readingSchema,
  },
  /** Flags the study's feedback records as not for training (or clears the flag). */
  'reading:exclude': {
    args: z
      .object({ studyId: idSchema, excluded: z.boolean(), reason: z.string().trim().max(500).nullable() })
      .strict(),
    result: z.null(),
  },
  /** Whether the image may carry burned-in identifiers, and whether a reader confirmed it clean. */
  'images:burned-in': {
    args: z.object({ instanceId: idSchema }).strict(),
    result: burnedInStateSchema,
  },
  /**
   * A radiologist's confirmation that an image has no burned-in identifiers (export gate), or any
   * reader's withdrawal of it; answers the image's state afterwards.
   */
  'images:confirm-clean': {
    args: z.object({ instanceId: idSchema, clean: z.boolean() }).strict(),
    result: burnedInStateSchema,
  },
  /** Asks main for a folder, then exports there; null when the user cancels the dialog. */
  'feedback:export': {
    args: z
      .object({
        format: exportFormatSchema,
        since: z.iso.date().max(10).optional(),
        modelId: z.string().max(200).optional(),
      })
      .strict(),
    result: exportSummarySchema.nullable(),
  },
  'quality:summary': {
    args: z.object({}).strict(),
    result: z.object({ models: z.array(modelQualitySchema), points: z.array(qualityPointSchema) }),
  },
  'quality:csv': {
    args: z.object({}).strict(),
    result: z.string(),
  },
} as const;

export const eventChannels = {
  'import:progress': importProgressSchema,
  'drafts:event': draftProgressSchema,
} as const;

export type InvokeChannel = keyof typeof invokeChannels;
export type EventChannel = keyof typeof eventChannels;
export type ArgsOf<C extends InvokeChannel> = z.input<(typeof invokeChannels)[C]['args']>;
export type ResultOf<C extends InvokeChannel> = z.infer<(typeof invokeChannels)[C]['result']>;
export type EventOf<C extends EventChannel> = z.infer<(typeof eventChannels)[C]>;

/** Every invoke answers with this envelope; errors are messages meant for the user. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: string };

export const isInvokeChannel = (name: string): name is InvokeChannel =>
  Object.prototype.hasOwnProperty.call(invokeChannels, name);

/**
 * Channels only the preload sends, never the page. The threat is a compromised page (a script injected
 * into the renderer): with contextIsolation it reaches main only through window.lightbox, whose invoke
 * refuses these. The preload fills their arguments from what only it can read, the paths of the File
 * objects of the user's drop (webUtils.getPathForFile knows none for a File the page made), so the page
 * cannot name a path for main to read: dropped files are the ones the user dropped, picked ones come
 * from main's own dialog (import:pick, which hands no path out), the samples from main's samples
 * folder. A renderer taken over below JavaScript could still send import:dropped with any path (main
 * cannot tell its messages from the preload's); the renderer sandbox is what contains that one.
 */
const PRELOAD_CHANNELS = ['import:dropped'] as const satisfies readonly InvokeChannel[];
/** The channels the page may invoke. */
export type PageChannel = Exclude<InvokeChannel, (typeof PRELOAD_CHANNELS)[number]>;

export const PRELOAD_CHANNEL_REFUSAL =
  'Files are imported from a drop on the window or from Open folder / Open files; a page cannot name a path.';

export const isPageChannel = (name: string): name is PageChannel =>
  isInvokeChannel(name) && !(PRELOAD_CHANNELS as readonly string[]).includes(name);
