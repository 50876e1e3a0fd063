// The delta decoder's KV buffer without a model: rows land head-major after the cache they extend, the
// buffer onnxruntime gets is the same array until it grows, growth keeps every row, and a cache whose rows
// another continuation took throws instead of being read.
import { Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { KvBuffer, type BufferKvCache } from '../../../../../src/main/services/inference/engine/kv-buffer';

const INPUTS = [
  { name: 'past_key_values.0.key', heads: 2, headDim: 3 },
  { name: 'past_key_values.0.value', heads: 2, headDim: 3 },
];

/** The value a decoder "returns" for position `pos`, head `h`, element `d` of input `i`. */
const value = (i: number, pos: number, h: number, d: number) => 1000 * i + 100 * pos + 10 * h + d;

/** New rows for positions from..from+added, [1, heads, added, headDim] per input. */
function newRows(from: number, added: number): Tensor[] {
  return INPUTS.map(({ heads, headDim }, i) => {
    const data = new Float32Array(heads * added * headDim);
    for (let h = 0; h < heads; h++)
      for (let s = 0; s < added; s++)
        for (let d = 0; d < headDim; d++) data[(h * added + s) * headDim + d] = value(i, from + s, h, d);
    return new Tensor('float32', data, [1, heads, added, headDim]);
  });
}

/** Runs `added` positions after `cache` as the session does: feeds, then the new rows. */
function extend(buffer: KvBuffer, cache: BufferKvCache, added: number) {
  const feeds = buffer.feeds(cache, added);
  return { feeds, cache: buffer.append(cache, newRows(cache.length, added), added) };
}

/** Row `pos` of head `h` of input `i` as onnxruntime would read it from `feeds`. */
function row(feeds: Record<string, Tensor>, i: number, h: number, pos: number): number[] {
  const tensor = feeds[INPUTS[i]!.name]!;
  const [, , capacity, headDim] = tensor.dims as number[];
  const data = tensor.data as Float32Array;
  return [...data.subarray((h * capacity! + pos) * headDim!, (h * capacity! + pos + 1) * headDim!)];
}

const expected = (i: number, h: number, pos: number) => [0, 1, 2].map((d) => value(i, pos, h, d));

describe('KvBuffer', () => {
  it('hands onnxruntime one array per input, head-major, with the rows written where they belong', () => {
    const buffer = new KvBuffer(INPUTS);
    let { cache } = extend(buffer, buffer.empty(), 5);
    const first = buffer.feeds(cache, 1);
    const [, heads, capacity, headDim] = first[INPUTS[0]!.name]!.dims;
    expect([heads, headDim]).toEqual([2, 3]);
    expect(capacity).toBeGreaterThanOrEqual(6);
    ({ cache } = extend(buffer, cache, 1));
    expect(cache.length).toBe(6);
    const next = buffer.feeds(cache, 1);
    // Not grown: the very same arrays, with the new row in place.
    for (const { name } of INPUTS) expect(next[name]!.data).toBe(first[name]!.data);
    for (let i = 0; i < 2; i++)
      for (let h = 0; h < 2; h++)
        for (let pos = 0; pos < 6; pos++) expect(row(next, i, h, pos)).toEqual(expected(i, h, pos));
  });

  it('grows now and then, in blocks, keeping every row', () => {
    const buffer = new KvBuffer(INPUTS);
    let cache = buffer.empty();
    const capacities = new Set<number>();
    for (let step = 0; step < 300; step++) {
      const next = extend(buffer, cache, step === 0 ? 40 : 1);
      capacities.add(next.feeds[INPUTS[0]!.name]!.dims[2]!);
      cache = next.cache;
    }
    expect(cache.length).toBe(339);
    expect([...capacities].every((c) => c % 64 === 0)).toBe(true);
    expect(capacities.size).toBeLessThanOrEqual(5);
    const last = buffer.feeds(cache, 1);
    for (let i = 0; i < 2; i++)
      for (let h = 0; h < 2; h++)
        for (let pos = 0; pos < 339; pos++) expect(row(last, i, h, pos)).toEqual(expected(i, h, pos));
  });

  it('lets a prefix be continued again and again, and refuses a continuation whose rows were taken', () => {
    const buffer = new KvBuffer(INPUTS);
    const { cache: prefix } = extend(buffer, buffer.empty(), 4);
    const { cache: report } = extend(buffer, prefix, 3);
    const { cache: reportMore } = extend(buffer, report, 1);
    const { cache: grounding } = extend(buffer, prefix, 2);
    // The report's rows 4.. now hold the grounding prompt's.
    expect(() => buffer.feeds(report, 1)).toThrow(/KV cache overwritten/);
    expect(() => buffer.feeds(reportMore, 1)).toThrow(/KV cache overwritten/);
    // The prefix and the new continuation are intact, and the prefix can be continued once more.
    expect(extend(buffer, grounding, 1).cache.length).toBe(7);
    const { feeds, cache: again } = extend(buffer, prefix, 2);
    expect(again.length).toBe(6);
    for (let pos = 0; pos < 6; pos++) expect(row(feeds, 1, 1, pos)).toEqual(expected(1, 1, pos));
  });

  it('refuses the rows of a run whose cache another continuation overwrote while it ran', () => {
    const buffer = new KvBuffer(INPUTS);
    const { cache: prefix } = extend(buffer, buffer.empty(), 4);
    const { cache: a } = extend(buffer, prefix, 2);
    buffer.feeds(a, 1); // a's run starts ...
    extend(buffer, prefix, 1); // ... another continuation of the prefix finishes first
    expect(() => buffer.append(a, newRows(6, 1), 1)).toThrow(/KV cache overwritten/);
  });

  it('refuses rows of the wrong shape, rows it did not make room for, and another buffer’s cache', () => {
    const buffer = new KvBuffer(INPUTS);
    const empty = buffer.empty();
    buffer.feeds(empty, 2);
    expect(() => buffer.append(empty, newRows(0, 1), 2)).toThrow(/shape \[1, 2, 1, 3\] for 2 positions/);
    expect(() => buffer.append(empty, newRows(0, 500), 500)).toThrow(/past the buffer/);
    expect(() => new KvBuffer(INPUTS).feeds(empty, 1)).toThrow(/another buffer/);
  });
});
