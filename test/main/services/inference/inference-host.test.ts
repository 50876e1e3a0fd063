// The supervisor against scripted processes: start failures, crash reports and the crash-loop pause,
// protocol violations. The real child process is exercised in draft-study.test.ts.
import { describe, expect, it } from 'vitest';
import type { ToInference } from '../../../../src/shared/draft';
import {
  createInferenceHost,
  describeExit,
  type CrashReport,
  type ExitInfo,
  type InferenceProcess,
} from '../../../../src/main/services/inference/inference-host';

type Script = { ready: boolean; output?: string };

/** Fake processes that send `ready` (or die at once) and let the test kill them. */
function scripted(scripts: Script[]) {
  const spawned: {
    process: InferenceProcess;
    sent: ToInference[];
    exit: (e: ExitInfo) => void;
    say: (m: unknown) => void;
  }[] = [];
  const spawn = (): InferenceProcess => {
    const script = scripts[spawned.length] ?? { ready: true };
    const messageListeners: ((m: unknown) => void)[] = [];
    const exitListeners: ((e: ExitInfo) => void)[] = [];
    const sent: ToInference[] = [];
    let alive = true;
    const exit = (e: ExitInfo) => {
      if (!alive) return;
      alive = false;
      for (const l of exitListeners) l(e);
    };
    const process: InferenceProcess = {
      pid: 1000 + spawned.length,
      send: (m) => sent.push(m),
      onMessage: (l) => messageListeners.push(l),
      onExit: (l) => exitListeners.push(l),
      kill: () => queueMicrotask(() => exit({ code: null, signal: 'SIGKILL' })),
      output: () => script.output ?? '',
    };
    const say = (m: unknown) => messageListeners.forEach((l) => l(m));
    spawned.push({ process, sent, exit, say });
    setTimeout(() => (script.ready ? say({ type: 'ready' }) : exit({ code: 1, signal: null })), 1);
    return process;
  };
  return { spawn, spawned };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('createInferenceHost', () => {
  it('rejects a start that fails, with the process last words, and tries again only when asked', async () => {
    const { spawn, spawned } = scripted([
      { ready: false, output: 'Error: Cannot find module x\n    at foo\n\nNode.js v20.20.2\n' },
      { ready: true },
    ]);
    const host = createInferenceHost(spawn);
    await expect(host.start()).rejects.toThrow(
      'The inference process could not start: it exited with code 1 (Error: Cannot find module x).',
    );
    await tick();
    expect(spawned).toHaveLength(1);
    await host.start();
    expect(host.pid).toBe(1001);
    await host.dispose();
  });

  it('reports each crash and restarts, pausing after three in a minute', async () => {
    const { spawn, spawned } = scripted([]);
    const host = createInferenceHost(spawn);
    const crashes: CrashReport[] = [];
    host.onCrash((c) => crashes.push(c));
    await host.start();
    for (let k = 0; k < 3; k++) {
      spawned.at(-1)!.exit({ code: 134, signal: null });
      await tick();
    }
    expect(crashes.map((c) => c.restarting)).toEqual([true, true, false]);
    expect(crashes[2]!.message).toBe(
      'The inference process exited with code 134; it will be started again with the next draft.',
    );
    expect(spawned).toHaveLength(3);
    expect(host.pid).toBeNull();
    await host.dispose();
  });

  it('kills a process that sends an invalid message, rejecting its draft', async () => {
    const { spawn, spawned } = scripted([{ ready: true }]);
    const host = createInferenceHost(spawn);
    const crashes: CrashReport[] = [];
    host.onCrash((c) => crashes.push(c));
    await host.start();
    const draft = host.draft({} as never);
    await tick();
    expect(spawned[0]!.sent).toEqual([{ type: 'draft', id: 1, request: {} }]);
    spawned[0]!.say({ type: 'done', id: 1, draft: { not: 'a draft' } });
    await expect(draft).rejects.toThrow(
      'The inference process sent an invalid message and was stopped while drafting; it has been restarted.',
    );
    expect(crashes[0]).toMatchObject({ outOfMemory: false, restarting: true });
    await tick();
    expect(host.pid).toBe(1001);
    await host.dispose();
  });
});

describe('describeExit', () => {
  it('tells out-of-memory, kills, signals and exit codes apart', () => {
    expect(describeExit({ code: 134, signal: null }, 'FATAL ERROR: JavaScript heap out of memory')).toEqual({
      text: 'ran out of memory',
      outOfMemory: true,
    });
    expect(describeExit({ code: 1, signal: null }, 'std::bad_alloc').outOfMemory).toBe(true);
    expect(describeExit({ code: null, signal: 'SIGKILL' }, '').text).toMatch(
      /killed \(SIGKILL; the system may have run out of memory\)/,
    );
    expect(describeExit({ code: null, signal: 'SIGSEGV' }, '').text).toBe('was stopped by SIGSEGV');
    expect(describeExit({ code: 3, signal: null }, '').text).toBe('exited with code 3');
  });
});
