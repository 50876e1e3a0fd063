// The walk that bounds an IPC argument before anything serialises it. Hostile values arrive as the
// renderer sends them, through the structured-clone serialiser; proxies count what the walk reads, so
// the tests assert how little it touches rather than how long it takes.
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import {
  ARGS_LIMITS,
  argsOutOfBounds,
  NOT_PLAIN,
  TOO_DEEP,
  TOO_LARGE,
} from '../../../src/main/ipc/args-bounds';

/** What the main process receives when the renderer sends this value. */
const cloned = <T>(value: T): T => deserialize(serialize(value)) as T;

/** The value behind a proxy that counts the properties read and the keys listed. */
function counted<T extends object>(target: T): { value: T; reads: () => number } {
  let reads = 0;
  const value = new Proxy(target, {
    get(t, key, receiver) {
      if (key !== 'length') reads += 1;
      return Reflect.get(t, key, receiver) as unknown;
    },
    ownKeys(t) {
      reads += 1;
      return Reflect.ownKeys(t);
    },
  });
  return { value, reads: () => reads };
}

describe('argsOutOfBounds', () => {
  it('passes what the app sends', () => {
    const op = { studyId: '0123456789abcdef', revision: 3, op: { type: 'box.add', box: { x: 1, y: 2 } } };
    expect(argsOutOfBounds(cloned(op))).toBeNull();
    expect(argsOutOfBounds({ paths: Array.from({ length: 1000 }, (_, i) => `/data/${i}.dcm`) })).toBeNull();
    expect(argsOutOfBounds({ search: undefined, sort: null })).toBeNull();
    expect(argsOutOfBounds(Object.assign(Object.create(null) as object, { a: 1 }))).toBeNull();
  });

  it('refuses new Array(5e7) by its length, without reading an element', () => {
    const arrived = cloned({ paths: new Array(5e7) });
    expect(serialize({ paths: new Array(5e7) }).length).toBeLessThan(64);
    const paths = counted(arrived.paths);
    expect(argsOutOfBounds({ paths: paths.value })).toBe(TOO_LARGE);
    expect(paths.reads()).toBe(0);
  });

  it('refuses a huge sparse array without reading an element', () => {
    const sparse: unknown[] = [];
    sparse[2 ** 32 - 2] = 'x';
    const arrived = counted(cloned(sparse));
    expect(argsOutOfBounds(arrived.value)).toBe(TOO_LARGE);
    expect(arrived.reads()).toBe(0);
    // Length counts, not what is filled in: one element short of the limit is still too many holes.
    expect(argsOutOfBounds(new Array(ARGS_LIMITS.nodes))).toBe(TOO_LARGE);
  });

  it('refuses deep nesting at the depth limit, touching only the levels above it', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 1000; i += 1) deep = { a: deep };
    const levels: { reads: () => number }[] = [];
    const wrap = (value: unknown): unknown => {
      if (typeof value !== 'object' || value === null) return value;
      const level = counted({ a: wrap((value as { a: unknown }).a) });
      levels.push(level);
      return level.value;
    };
    const arrived = wrap(cloned(deep));
    expect(argsOutOfBounds(arrived)).toBe(TOO_DEEP);
    // The levels above the limit are listed and read once each; the 990 below are never reached.
    expect(levels.filter((l) => l.reads() > 0)).toHaveLength(ARGS_LIMITS.depth);
    expect(levels.reduce((n, l) => n + l.reads(), 0)).toBeLessThanOrEqual(2 * ARGS_LIMITS.depth);
  });

  it('refuses a cycle as too deep', () => {
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic.self = cyclic;
    expect(argsOutOfBounds(cloned(cyclic))).toBe(TOO_DEEP);
  });

  it('refuses an object with too many keys, reading no more values than the limit', () => {
    const wide = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i]));
    const arrived = counted(cloned(wide));
    expect(argsOutOfBounds(arrived.value)).toBe(TOO_LARGE);
    expect(arrived.reads()).toBeLessThanOrEqual(ARGS_LIMITS.nodes + 1);
  });

  it('refuses long strings by their total length, keys included', () => {
    expect(argsOutOfBounds({ text: 'x'.repeat(ARGS_LIMITS.chars) })).toBe(TOO_LARGE);
    expect(
      argsOutOfBounds({ a: 'x'.repeat(ARGS_LIMITS.chars / 2), b: 'y'.repeat(ARGS_LIMITS.chars / 2) }),
    ).toBe(TOO_LARGE);
    expect(argsOutOfBounds({ ['k'.repeat(ARGS_LIMITS.chars + 1)]: 1 })).toBe(TOO_LARGE);
    expect(argsOutOfBounds({ text: 'x'.repeat(ARGS_LIMITS.chars - 4) })).toBeNull();
  });

  it.each([
    ['a Map', new Map([['paths', ['/']]])],
    ['a Set', new Set([1])],
    ['a typed array', new Float64Array(1e6)],
    ['an ArrayBuffer', new ArrayBuffer(8)],
    ['a Date', new Date()],
    ['a RegExp', /x/],
    ['an Error', new Error('x')],
    ['a BigInt', 10n],
  ])('refuses %s anywhere in the value', (_name, value) => {
    expect(argsOutOfBounds(cloned(value))).toBe(NOT_PLAIN);
    expect(argsOutOfBounds(cloned({ nested: [{ value }] }))).toBe(NOT_PLAIN);
  });
});
