// Handlers over a temp library, as the app builds them: the inference host (started only by a draft,
// which these tests never ask for), a profile store on real files and stand-ins for the dialogs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { vi } from 'vitest';
import { dispatch } from '../../../src/main/ipc/dispatch';
import { createHandlers } from '../../../src/main/ipc/handlers';
import { forkInference } from '../../../src/main/services/inference/fork-inference-process';
import { createInferenceHost } from '../../../src/main/services/inference/inference-host';
import { Library } from '../../../src/main/services/library';
import { ProfileStore } from '../../../src/main/services/profile/profile-store';
import { invokeChannels, type InvokeChannel, type ResultOf } from '../../../src/shared/ipc-contract';
import { SAMPLES } from '../../helpers/paths';

export type HandlerSetupOptions = {
  pick?: string[] | null;
  exportDir?: string | null;
  /** Written to the site configuration file: an object as JSON, a string as it is. */
  site?: Record<string, unknown> | string;
  /** The user data folder (default: a new temp folder), e.g. on a small disk. */
  userDataDir?: string;
};

export function setupHandlers(tempDir: () => string, options: HandlerSetupOptions = {}) {
  const userDataDir = options.userDataDir ?? tempDir();
  const library = Library.open(join(userDataDir, 'db.sqlite'), join(SAMPLES, 'cxr'));
  const siteConfigFile = join(userDataDir, 'site.json');
  if (options.site !== undefined) {
    writeFileSync(
      siteConfigFile,
      typeof options.site === 'string' ? options.site : JSON.stringify(options.site),
    );
  }
  const emit = vi.fn();
  const handlers = createHandlers({
    library,
    version: '1.2.3',
    imageBaseUrl: 'lightbox://app/image/',
    emit,
    pickPaths: async () => options.pick ?? null,
    drafting: {
      host: createInferenceHost(forkInference('inference-worker.cjs')),
      modelsDir: tempDir(),
      hashCacheFile: null,
    },
    profile: new ProfileStore({
      userDataDir,
      siteConfigFile,
      secret: () => library.settings.pseudonymSecret(),
    }),
    pickExportDir: async () => options.exportDir ?? null,
  });
  /** The value of a call that must succeed, checked against the contract's result schema. */
  const call = async <C extends InvokeChannel>(channel: C, args: unknown): Promise<ResultOf<C>> => {
    const answer = await dispatch(handlers, channel, args);
    if (!answer.ok) throw new Error(`${channel}: ${answer.error}`);
    return invokeChannels[channel].result.parse(answer.value) as ResultOf<C>;
  };
  /** The message of a call that must be refused. */
  const refusal = async (channel: InvokeChannel, args: unknown): Promise<string> => {
    const answer = await dispatch(handlers, channel, args);
    if (answer.ok) throw new Error(`${channel} was not refused`);
    return answer.error;
  };
  return { library, handlers, emit, userDataDir, call, refusal };
}
