// The inference process as a Node child process (CLI, tests). The worker is the bundled
// dist/main/inference-worker.cjs, or its TypeScript source run through tsx.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { InferenceProcess, SpawnInference } from './inference-host';
import { tailOf } from './output-tail';

export function forkInference(workerPath: string): SpawnInference {
  // tsx is found from the worker's folder, whatever the caller's working directory.
  const execArgv = workerPath.endsWith('.ts')
    ? ['--import', pathToFileURL(createRequire(workerPath).resolve('tsx')).href]
    : [];
  return (): InferenceProcess => {
    const child = fork(workerPath, [], {
      execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const tail = tailOf(child.stdout, child.stderr);
    // An error event (spawn failure, closed channel) is followed by an exit, which the host handles.
    child.on('error', () => undefined);
    return {
      pid: child.pid ?? null,
      send: (message) => {
        if (child.connected) child.send(message);
      },
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.on('exit', (code, signal) => listener({ code, signal })),
      kill: () => child.kill('SIGKILL'),
      output: tail.read,
    };
  };
}
