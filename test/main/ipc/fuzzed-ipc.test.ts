// Every channel fuzzed as a compromised renderer would call it: arbitrary values, the app's own arguments
// with one part made hostile, and values the contract accepts at the edges of its bounds, through the
// structured-clone serialiser IPC uses, against the real handlers over a real library with a study, a
// draft and a reader. Main must answer every call
// with an envelope, never run a handler with arguments the contract refuses, never fail unexpectedly,
// never let a key reach Object.prototype, and never log a path or an identifier.
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dispatch } from '../../../src/main/ipc/dispatch';
import type { Handlers } from '../../../src/main/ipc/handlers';
import type { Library } from '../../../src/main/services/library';
import { invokeChannels, type ArgsOf, type InvokeChannel } from '../../../src/shared/ipc-contract';
import type { Reading } from '../../../src/shared/reading';
import { importStudy, saveDraft } from '../services/reading/reading-fixtures';
import { arbitraryOf } from './contract-arbitrary';
import { setupHandlers } from './handler-setup';

const GENERIC = 'Something went wrong; the details are in the log.';
/** Calls per channel and property: with 3 properties and 25 channels, 3,375 calls in all. */
const RUNS = 45;
const SEED = 16;
const CHANNELS = Object.keys(invokeChannels) as InvokeChannel[];

/** What main receives when the renderer sends this value (ipcRenderer.invoke clones it). */
const cloned = (value: unknown): unknown => deserialize(serialize(value));

const hostileKey = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'paths', 'studyId', 'op', 'type'),
);
const hostileValue = fc.oneof(
  fc.constantFrom(
    '',
    '/',
    '.',
    '../../../../etc/passwd',
    '..\\..\\windows\\win.ini',
    'a\0b',
    '%2e%2e%2f',
    'x'.repeat(5000),
    '0123456789abcdef',
    '0123456789ABCDEF',
    -1,
    -0,
    0.5,
    1e308,
    -1e308,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    2 ** 53,
    null,
    undefined,
    true,
    [],
    {},
    ['/'],
    new Array(5e7),
  ),
  fc.anything({
    maxDepth: 3,
    key: hostileKey,
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
  }),
);
const anyValue = fc.anything({
  maxDepth: 4,
  key: hostileKey,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withSparseArray: true,
  withTypedArray: true,
});

/** One hostile change to the app's own arguments: a part replaced, a key added, a key removed. */
type Mutation = { at: number; kind: 'replace' | 'add' | 'remove'; key: string; value: unknown };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('replace', 'add', 'remove'),
  key: hostileKey,
  value: hostileValue,
});

function mutate(args: unknown, m: Mutation): unknown {
  const copy = structuredClone(args) as Record<string, unknown>;
  const holders: Record<string, unknown>[] = [];
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    holders.push(node as Record<string, unknown>);
    for (const child of Object.values(node)) visit(child);
  };
  visit(copy);
  const holder = holders[m.at % holders.length]!;
  const keys = Object.keys(holder);
  const key = m.kind === 'add' || keys.length === 0 ? m.key : keys[m.at % keys.length]!;
  if (m.kind === 'remove') delete holder[key];
  else
    Object.defineProperty(holder, key, {
      value: m.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return copy;
}

/** Folders kept for the whole file (useTempDirs removes its folders after each test). */
const made: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'lightbox-fuzz-'));
  made.push(dir);
  return dir;
};

/**
 * The ids and revision of the library's study and reading: a value the contract accepts reaches the
 * services' deeper checks only when it names what exists.
 */
type Anchors = { studyId: string; instanceId: string; findingId: string; boxId: string; revision: number };

/** The value with every id and revision it carries replaced by the library's own. */
function anchored(value: unknown, anchors: Anchors): unknown {
  if (Array.isArray(value)) return value.map((v) => anchored(v, anchors));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      Object.hasOwn(anchors, k) ? anchors[k as keyof Anchors] : anchored(v, anchors),
    ]),
  );
}

type World = {
  library: Library;
  handlers: Handlers;
  /** The arguments the app sends on each channel, for the state the library is in now. */
  valid: () => Promise<{ [C in InvokeChannel]: ArgsOf<C> }>;
  anchors: () => Promise<Anchors>;
  /** Files dropped in the fuzz are inside this folder (a dropped "/" would import the machine). */
  dropRoot: string;
  /** The handlers run by the call being checked, and by any call so far. */
  ran: InvokeChannel[];
  reached: Set<InvokeChannel>;
  logged: string[];
  patientName: string;
};

async function world(): Promise<World> {
  const exportDir = tempDir();
  const dropRoot = tempDir();
  mkdirSync(join(dropRoot, 'folder'));
  writeFileSync(join(dropRoot, 'folder', 'notes.txt'), 'not DICOM');
  const s = setupHandlers(tempDir, { pick: [join(dropRoot, 'folder')], exportDir });
  const { studyId, instance } = await importStudy(s.library);
  saveDraft(s.library, studyId, instance);
  const { patientName } = s.library.getStudy(studyId);
  const ran: InvokeChannel[] = [];
  const reached = new Set<InvokeChannel>();
  const inside = (p: string): string => {
    const joined = join(dropRoot, p);
    return joined.startsWith(dropRoot + sep) ? joined : join(dropRoot, 'outside');
  };
  const handlers = Object.fromEntries(
    CHANNELS.map((channel) => {
      const handler = s.handlers[channel] as (args: unknown) => unknown;
      return [
        channel,
        (args: unknown) => {
          ran.push(channel);
          reached.add(channel);
          if (channel !== 'import:dropped') return handler(args);
          return handler({ paths: (args as { paths: string[] }).paths.map(inside) });
        },
      ];
    }),
  ) as Handlers;
  await dispatch(handlers, 'profile:set', { displayName: 'Dr Fuzz', role: 'radiologist' });
  const open = async (): Promise<Reading | null> => {
    const answer = await dispatch(s.handlers, 'reading:open', { studyId });
    return answer.ok ? (answer.value as Reading) : null;
  };
  const anchors = async (): Promise<Anchors> => {
    const reading = await open();
    const finding = reading?.findings[0];
    return {
      studyId,
      instanceId: instance.id,
      findingId: finding?.id ?? '00000000000000f1',
      boxId: finding?.boxes[0]?.id ?? '00000000000000b1',
      revision: reading?.revision ?? 0,
    };
  };
  const valid = async (): Promise<{ [C in InvokeChannel]: ArgsOf<C> }> => {
    const { findingId, revision } = await anchors();
    const box = { x: 10, y: 10, width: 50, height: 50 };
    return {
      'app:info': {},
      'studies:list': { search: 'test', sort: { key: 'studyDate', dir: 'desc' } },
      'studies:get': { studyId },
      'instances:tags': { instanceId: instance.id },
      'import:dropped': { paths: ['folder', 'folder/notes.txt'] },
      'import:samples': {},
      'import:pick': { kind: 'folder' },
      'drafts:start': { studyId, provider: 'auto' },
      'drafts:cancel': { draftId: '00000000000000d9' },
      'drafts:get': { studyId },
      'drafts:ground': { studyId, phrase: 'heart' },
      'profile:get': {},
      'profile:set': { displayName: 'Dr Fuzz', role: 'radiologist' },
      'reading:open': { studyId },
      'reading:apply': {
        studyId,
        revision,
        op: { type: 'box.add', findingId, boxId: '00000000000000b9', box },
      },
      'reading:undo': { studyId, revision },
      'reading:redo': { studyId, revision },
      'reading:sign': { studyId, revision },
      'reading:submit': { studyId, revision },
      'reading:revise': { studyId },
      'reading:exclude': { studyId, excluded: true, reason: 'fuzz' },
      'images:burned-in': { instanceId: instance.id },
      'images:confirm-clean': { instanceId: instance.id, clean: true },
      'feedback:export': { format: 'jsonl', since: '2020-01-01', modelId: 'lightbox-demo' },
      'quality:summary': {},
      'quality:csv': {},
    } satisfies { [C in InvokeChannel]: ArgsOf<C> };
  };
  const logged: string[] = [];
  return { library: s.library, handlers, valid, anchors, dropRoot, ran, reached, logged, patientName };
}

/** Calls the channel as the renderer would and checks what main answered. */
async function check(w: World, channel: InvokeChannel, args: unknown): Promise<void> {
  const arrived = cloned(args);
  const contract = invokeChannels[channel];
  const accepted = contract.args.safeParse(cloned(args)).success;
  w.ran.length = 0;
  const answer = await dispatch(w.handlers, channel, arrived);
  if (!accepted) expect(w.ran).toEqual([]);
  expect(typeof answer.ok).toBe('boolean');
  if (answer.ok) expect(contract.result.safeParse(answer.value).success).toBe(true);
  else {
    expect(typeof answer.error).toBe('string');
    expect(answer.error).not.toBe(GENERIC);
  }
}

describe('fuzzed IPC', () => {
  let w: World;
  let spy: ReturnType<typeof vi.spyOn>;
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

  beforeAll(async () => {
    w = await world();
    spy = vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => {
      w.logged.push(parts.join(' '));
    });
  });

  afterAll(() => {
    spy.mockRestore();
    w.library.close();
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });

  it('covers every channel of the contract', async () => {
    expect(Object.keys(await w.valid()).sort()).toEqual([...CHANNELS].sort());
    // The app's own arguments pass the contract; the draft channels answer that no pack is installed.
    for (const channel of CHANNELS) {
      const args = (await w.valid())[channel];
      expect(invokeChannels[channel].args.safeParse(args).success).toBe(true);
      await check(w, channel, args);
    }
  });

  it.each(CHANNELS)('answers arbitrary values on %s', async (channel) => {
    await fc.assert(
      fc.asyncProperty(anyValue, (value) => check(w, channel, value)),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it.each(CHANNELS)('answers the app arguments of %s with one part made hostile', async (channel) => {
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => check(w, channel, mutate((await w.valid())[channel], m))),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it.each(CHANNELS)('answers what the contract accepts on %s, naming the study or not', async (channel) => {
    const accepted = fc.tuple(arbitraryOf(invokeChannels[channel].args), fc.boolean());
    await fc.assert(
      fc.asyncProperty(accepted, async ([args, anchor]) =>
        check(w, channel, anchor ? anchored(args, await w.anchors()) : args),
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('reached every handler, and left Object.prototype, the library and the log clean', async () => {
    expect([...w.reached].sort()).toEqual([...CHANNELS].sort());
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(w.library.repo.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect((await dispatch(w.handlers, 'studies:list', {})).ok).toBe(true);
    const log = w.logged.join('\n');
    expect(log).not.toContain(w.dropRoot);
    expect(log).not.toContain(w.patientName);
  });
});
