// The app's (and CLI's) side of the inference process: drafts go out, streamed events and results come
// back, validated. A crash or out-of-memory of the process rejects the drafts it held with a message the
// user can read, is reported to onCrash listeners, and the process is started again; a process that
// keeps crashing is started again only by the next draft, not in a loop.
import {
  fromInferenceSchema,
  type Draft,
  type DraftEvent,
  type DraftRequest,
  type FromInference,
  type GroundRequest,
  type GroundResult,
  type ToInference,
} from '../../../shared/draft';
import { DraftImageChangedError } from './image-changed';

export type ExitInfo = { code: number | null; signal: string | null };

/** A started inference process, whatever runs it (Node child process, Electron utility process). */
export type InferenceProcess = {
  readonly pid: number | null;
  send(message: ToInference): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (exit: ExitInfo) => void): void;
  kill(): void;
  /** The end of what it wrote on stdout and stderr. */
  output(): string;
};

export type SpawnInference = () => InferenceProcess;

export type CrashReport = {
  message: string;
  exit: ExitInfo;
  outOfMemory: boolean;
  /** False when it crashed too often: the next draft starts it. */
  restarting: boolean;
};

export interface InferenceHost {
  /** Of the running inference process, null when none runs. */
  readonly pid: number | null;
  start(): Promise<void>;
  draft(request: DraftRequest, onEvent?: (event: DraftEvent) => void): Promise<Draft>;
  /** One phrase-grounding prompt ("ground this"), queued behind the drafts sent before it. */
  ground(request: GroundRequest): Promise<GroundResult>;
  /** Cancels the drafts in progress or waiting; they reject with DraftCancelledByUserError. */
  cancel(): void;
  dispose(): Promise<void>;
  onCrash(listener: (crash: CrashReport) => void): () => void;
}

export class DraftCancelledByUserError extends Error {}

const CRASH_WINDOW_MS = 60_000;
const CRASHES_BEFORE_PAUSE = 3;
const DISPOSE_WAIT_MS = 2_000;
const OUT_OF_MEMORY = /heap out of memory|bad_alloc|failed to allocate memory|out of memory/i;

/** The line of a process's last words that says what went wrong (Node ends a crash with its version). */
function lastWords(output: string): string | null {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^Node\.js v\d/.test(l));
  return lines.findLast((l) => /error/i.test(l)) ?? lines.at(-1) ?? null;
}

/** What happened to the process, in words, and whether memory ran out. */
export function describeExit(exit: ExitInfo, output: string): { text: string; outOfMemory: boolean } {
  if (OUT_OF_MEMORY.test(output)) return { text: 'ran out of memory', outOfMemory: true };
  if (exit.signal === 'SIGKILL')
    return { text: 'was killed (SIGKILL; the system may have run out of memory)', outOfMemory: false };
  if (exit.signal) return { text: `was stopped by ${exit.signal}`, outOfMemory: false };
  const words = lastWords(output);
  return { text: `exited with code ${exit.code}${words ? ` (${words})` : ''}`, outOfMemory: false };
}

type Pending = {
  resolve: (result: { draft: Draft } | { grounded: GroundResult }) => void;
  reject: (e: Error) => void;
  onEvent?: (e: DraftEvent) => void;
};
type Running = { process: InferenceProcess; ready: Promise<void> };

export function createInferenceHost(spawn: SpawnInference): InferenceHost {
  const pending = new Map<number, Pending>();
  const crashListeners = new Set<(crash: CrashReport) => void>();
  const crashTimes: number[] = [];
  let running: Running | null = null;
  let nextId = 1;
  let disposed = false;

  const receive = (message: FromInference, markReady: () => void) => {
    if (message.type === 'ready') return markReady();
    const job = pending.get(message.id);
    if (!job) return;
    if (message.type === 'event') return job.onEvent?.(message.event);
    pending.delete(message.id);
    if (message.type === 'done') job.resolve({ draft: message.draft });
    else if (message.type === 'grounded') job.resolve({ grounded: message.result });
    else if (message.cancelled) job.reject(new DraftCancelledByUserError(message.message));
    else if (message.imageChanged) job.reject(new DraftImageChangedError(message.message));
    else job.reject(new Error(message.message));
  };

  /** Processes the host itself stopped, and why. */
  const stoppedFor = new WeakMap<InferenceProcess, string>();

  const crashed = (process: InferenceProcess, exit: ExitInfo) => {
    const described = describeExit(exit, process.output());
    const text = stoppedFor.get(process) ?? described.text;
    const outOfMemory = !stoppedFor.has(process) && described.outOfMemory;
    const now = Date.now();
    crashTimes.push(now);
    while (crashTimes.length > 0 && crashTimes[0]! < now - CRASH_WINDOW_MS) crashTimes.shift();
    const restarting = crashTimes.length < CRASHES_BEFORE_PAUSE;
    const during = pending.size > 0 ? ' while drafting' : '';
    const next = restarting ? 'it has been restarted' : 'it will be started again with the next draft';
    const message = `The inference process ${text}${during}; ${next}.`;
    for (const job of pending.values()) job.reject(new Error(message));
    pending.clear();
    for (const listener of crashListeners) listener({ message, exit, outOfMemory, restarting });
    if (restarting) start().catch(() => undefined);
  };

  const start = (): Promise<void> => {
    if (disposed) return Promise.reject(new Error('the inference host was disposed'));
    if (running) return running.ready;
    const process = spawn();
    let started = false;
    const ready = new Promise<void>((resolve, reject) => {
      const markReady = () => {
        started = true;
        resolve();
      };
      process.onMessage((raw) => {
        const parsed = fromInferenceSchema.safeParse(raw);
        // A process that speaks nonsense cannot be trusted with the next draft either.
        if (!parsed.success) {
          stoppedFor.set(process, 'sent an invalid message and was stopped');
          process.kill();
        } else receive(parsed.data, markReady);
      });
      process.onExit((exit) => {
        if (running?.process !== process) return;
        running = null;
        if (disposed) return;
        // One that never started would fail again at once: the next draft tries, not a loop.
        if (started) crashed(process, exit);
        else
          reject(
            new Error(
              `The inference process could not start: it ${describeExit(exit, process.output()).text}.`,
            ),
          );
      });
    });
    ready.catch(() => undefined);
    running = { process, ready };
    return ready;
  };

  const send = async (
    message: (id: number) => ToInference,
    onEvent?: (event: DraftEvent) => void,
  ): Promise<{ draft: Draft } | { grounded: GroundResult }> => {
    await start();
    const process = running?.process;
    if (!process) throw new Error('The inference process stopped before the request was sent.');
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, ...(onEvent ? { onEvent } : {}) });
      process.send(message(id));
    });
  };

  return {
    get pid() {
      return running?.process.pid ?? null;
    },
    start,
    async draft(request, onEvent) {
      const result = await send((id) => ({ type: 'draft', id, request }), onEvent);
      if (!('draft' in result))
        throw new Error('The inference process answered a draft with something else.');
      return result.draft;
    },
    async ground(request) {
      const result = await send((id) => ({ type: 'ground', id, request }));
      if (!('grounded' in result))
        throw new Error('The inference process answered a grounding with something else.');
      return result.grounded;
    },
    cancel() {
      for (const id of pending.keys()) running?.process.send({ type: 'cancel', id });
    },
    async dispose() {
      disposed = true;
      const current = running;
      running = null;
      for (const job of pending.values()) job.reject(new Error('The inference process was shut down.'));
      pending.clear();
      if (!current) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, DISPOSE_WAIT_MS);
        current.process.onExit(() => {
          clearTimeout(timer);
          resolve();
        });
        current.process.kill();
      });
    },
    onCrash(listener) {
      crashListeners.add(listener);
      return () => crashListeners.delete(listener);
    },
  };
}
