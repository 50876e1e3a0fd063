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
import { draftProgressSchema, draftSchema, providerSettingSchema } from './draft';

const path = z.string().min(1).max(4096);

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
  'import:paths': {
    args: z.object({ paths: z.array(path).min(1).max(1000) }).strict(),
    result: importReportSchema,
  },
  'import:samples': {
    args: z.object({}).strict(),
    result: importReportSchema,
  },
  /** Opens the platform's folder/file dialog in main; the renderer never sees it. */
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
