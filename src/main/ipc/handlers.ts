// Channel implementations, independent of Electron: the Electron main process and the browser
// test bridge both serve exactly these, through dispatch().
import type { EventChannel, EventOf, InvokeChannel, ResultOf } from '../../shared/ipc-contract';
import { invokeChannels } from '../../shared/ipc-contract';
import type { z } from 'zod';
import { DraftService, type DraftServiceOptions } from '../services/inference/draft-service';
import type { Library } from '../services/library';

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
};

export function createHandlers(deps: HandlerDeps): Handlers {
  const { library, emit } = deps;
  const progress = (p: EventOf<'import:progress'>): void => emit('import:progress', p);
  const drafts = new DraftService({ ...deps.drafting, library, emit: (p) => emit('drafts:event', p) });
  return {
    'app:info': () => ({
      version: deps.version,
      imageBaseUrl: deps.imageBaseUrl,
      samplesAvailable: library.samplesDir !== null,
    }),
    'studies:list': ({ search, sort }) => library.listStudies(search, sort),
    'studies:get': ({ studyId }) => library.getStudy(studyId),
    'instances:tags': ({ instanceId }) => library.instanceTags(instanceId),
    'import:paths': ({ paths }) => library.importPaths(paths, progress),
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
  };
}
