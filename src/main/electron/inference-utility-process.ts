// The inference process as an Electron utility process: the same worker and messages as the Node child
// process of the CLI, so createInferenceHost supervises it unchanged.
import { utilityProcess } from 'electron';
import type { InferenceProcess, SpawnInference } from '../services/inference/inference-host';
import { tailOf } from '../services/inference/output-tail';

export function utilityInference(workerPath: string): SpawnInference {
  return (): InferenceProcess => {
    const child = utilityProcess.fork(workerPath, [], { serviceName: 'Lightbox inference', stdio: 'pipe' });
    const tail = tailOf(child.stdout, child.stderr);
    return {
      get pid() {
        return child.pid ?? null;
      },
      send: (message) => child.postMessage(message),
      onMessage: (listener) => child.on('message', listener),
      // Electron reports only the exit code; an out-of-memory kill shows in the output tail or as a crash code.
      onExit: (listener) => child.on('exit', (code) => listener({ code, signal: null })),
      kill: () => child.kill(),
      output: tail.read,
    };
  };
}
