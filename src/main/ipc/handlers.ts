// Channel implementations, independent of Electron: the Electron main process and the browser
// test bridge both serve exactly these, through dispatch().
import { join } from 'node:path';
import type { EventChannel, EventOf, InvokeChannel, ResultOf } from '../../shared/ipc-contract';
import { invokeChannels } from '../../shared/ipc-contract';
import type { z } from 'zod';
import type { RenderPng } from '../services/dicom/pixels';
import { burnedInState, confirmClean } from '../services/feedback/burned-in-annotation';
import { exportFeedback } from '../services/feedback/export/export-feedback';
import { qualityCsv, qualitySummary } from '../services/feedback/quality/model-quality';
import { DraftService, type DraftServiceOptions } from '../services/inference/draft-service';
import type { Library } from '../services/library';
import type { ProfileStore } from '../services/profile/profile-store';
import { ReadingService } from '../services/reading/reading-service';
import { retryWhileBusy } from '../services/store/busy-retry';

type ParsedArgs<C extends InvokeChannel> = z.infer<(typeof invokeChannels)[C]['args']>;

export type Handlers = { [C in InvokeChannel]: (args: ParsedArgs<C>) => Promise<ResultOf<C>> | ResultOf<C> };

export type HandlerDeps = {
  library: Library;
  version: string;
  imageBaseUrl: string;
  emit: <E extends EventChannel>(channel: E, payload: EventOf<E>) => void;
  /** Shows the platform's open dialog; resolves null when the user cancels. */
  pickPaths: (kind: 'folder' | 'files') => Promise<string[] | null>;
  /** The inference process and the models folder; the library and events come from here. */
  drafting: Omit<DraftServiceOptions, 'library' | 'emit'>;
  /** The reader at this workstation (site configuration or local profile). */
  profile: ProfileStore;
  /** Shows the platform's folder dialog for an export; resolves null when the user cancels. */
  pickExportDir: () => Promise<string | null>;
  /** Renders an export's images (the app: its render thread); default: in the main process. */
  renderPng?: RenderPng;
};

export function createHandlers(deps: HandlerDeps): Handlers {
  const { library, emit } = deps;
  const progress = (p: EventOf<'import:progress'>): void => emit('import:progress', p);
  const drafts = new DraftService({ ...deps.drafting, library, emit: (p) => emit('drafts:event', p) });
  const readings = new ReadingService(library);
  const reader = () => deps.profile.require();
  return {
    'app:info': () => ({
      version: deps.version,
      imageBaseUrl: deps.imageBaseUrl,
      samplesAvailable: library.samplesDir !== null,
    }),
    'studies:list': ({ search, sort }) => library.listStudies(search, sort),
    'studies:get': ({ studyId }) => library.getStudy(studyId),
    'instances:tags': ({ instanceId }) => library.instanceTags(instanceId),
    'import:dropped': ({ paths }) => library.importPaths(paths, progress),
    'import:samples': () => library.importSamples(progress),
    'import:pick': async ({ kind }) => {
      const paths = await deps.pickPaths(kind);
      return paths && paths.length > 0 ? library.importPaths(paths, progress) : null;
    },
    'drafts:start': ({ studyId, provider }) => drafts.start(studyId, provider),
    'drafts:cancel': ({ draftId }) => {
      drafts.cancel(draftId);
      return null;
    },
    'drafts:get': ({ studyId }) => drafts.latest(studyId),
    'drafts:ground': ({ studyId, phrase }) => drafts.ground(studyId, phrase),
    'profile:get': () => deps.profile.get(),
    'profile:set': ({ displayName, role }) => deps.profile.set(displayName, role),
    'reading:open': ({ studyId }) => {
      reader();
      return readings.open(studyId);
    },
    // Writes wait for a busy library off the event loop (busy-retry.ts); opening needs no write.
    'reading:apply': ({ studyId, revision, op }) =>
      retryWhileBusy(() => readings.apply(studyId, revision, op, reader())),
    'reading:undo': ({ studyId, revision }) =>
      retryWhileBusy(() => readings.undo(studyId, revision, reader())),
    'reading:redo': ({ studyId, revision }) =>
      retryWhileBusy(() => readings.redo(studyId, revision, reader())),
    'reading:sign': ({ studyId, revision }) =>
      retryWhileBusy(() => readings.sign(studyId, revision, reader())),
    'reading:submit': ({ studyId, revision }) =>
      retryWhileBusy(() => readings.submit(studyId, revision, reader())),
    'reading:revise': ({ studyId }) => {
      reader();
      return retryWhileBusy(() => readings.revise(studyId));
    },
    'reading:exclude': async ({ studyId, excluded, reason }) => {
      reader();
      await retryWhileBusy(() => readings.exclude(studyId, excluded, reason));
      return null;
    },
    'images:burned-in': ({ instanceId }) => burnedInState(library, instanceId, reader()),
    'images:confirm-clean': ({ instanceId, clean }) =>
      confirmClean(library, instanceId, clean, reader(), new Date().toISOString()),
    'feedback:export': async ({ format, since, modelId }) => {
      const parent = await deps.pickExportDir();
      if (!parent) return null;
      // A new folder in the one chosen, so exporting twice to the same place never mixes two exports.
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const outDir = join(parent, `lightbox-${format}-${stamp}`);
      return exportFeedback(library, {
        outDir,
        format,
        since,
        modelId,
        toolVersion: deps.version,
        ...(deps.renderPng ? { render: deps.renderPng } : {}),
      });
    },
    'quality:summary': () => qualitySummary(library.feedback.list()),
    'quality:csv': () => qualityCsv(qualitySummary(library.feedback.list())),
  };
}
