// The KV cache of a delta decoder (docs/model-pack.md, contract 1.1): per past input one Float32Array
// [kv_heads, capacity, head_dim] (batch 1) that onnxruntime reads where it lies (an input typed array is
// not copied; the graph reads the first `length` rows and ignores the rest), and the decoder's new rows
// written into it after each run. Only the new rows cross from onnxruntime into JavaScript; a contract 1
// decoder returns the whole cache every step, and onnxruntime-node copies all of it.
//
// Caches share a buffer when one continues another (a prompt continuing the cached prefix). Extending a
// cache writes the rows after it, which takes them from every longer cache on the buffer: a cache stays
// usable until a shorter cache on its buffer is extended, and using it after that throws instead of
// reading another prompt's keys. Continuing the prefix with one prompt after another, as the draft
// pipeline does, is within that rule.
import { Tensor } from 'onnxruntime-node';

export type KvInput = { name: string; heads: number; headDim: number };

/** Keys and values of the first `length` positions, in a buffer shared with the caches it continues. */
export type BufferKvCache = {
  readonly layout: 'delta';
  readonly length: number;
  readonly buffer: KvBuffer;
  /** How many writes the buffer had seen when this cache was made. */
  readonly writes: number;
};

/** The graph reads every buffer row, spare ones too, so the buffer grows by a little (an eighth, at least
 * this many rows) and only now and then, each time copying what it holds. */
const GROWTH_ROWS = 64;

export class KvBuffer {
  private capacity = 0;
  /** Rows ever written: what a growth keeps. */
  private rows = 0;
  private arrays: Float32Array[];
  /** The first row of each write, in order. */
  private readonly writeStarts: number[] = [];

  constructor(private readonly inputs: readonly KvInput[]) {
    this.arrays = inputs.map(() => new Float32Array(0));
  }

  empty(): BufferKvCache {
    return this.cache(0);
  }

  /** The past inputs of a run that adds `added` positions to `cache`, the buffer grown first so that the
   * rows they will take exist. */
  feeds(cache: BufferKvCache, added: number): Record<string, Tensor> {
    this.check(cache);
    const needed = cache.length + added;
    if (needed > this.capacity) this.grow(needed);
    return Object.fromEntries(
      this.inputs.map(({ name, heads, headDim }, i) => [
        name,
        new Tensor('float32', this.arrays[i]!, [1, heads, this.capacity, headDim]),
      ]),
    );
  }

  /** Writes a run's new rows (per input, in the order given to the constructor, [1, heads, added, head_dim])
   * after `cache`, and returns the longer cache. */
  append(cache: BufferKvCache, newRows: readonly Tensor[], added: number): BufferKvCache {
    // Another cache on this buffer may have been extended while the run read it.
    this.check(cache);
    const at = cache.length;
    if (at + added > this.capacity) throw new Error('KV rows written past the buffer feeds() prepared');
    this.inputs.forEach(({ heads, headDim }, i) => {
      const rows = newRows[i]!;
      if (rows.type !== 'float32' || rows.dims.join() !== [1, heads, added, headDim].join())
        throw new Error(`decoder returned KV rows of shape [${rows.dims.join(', ')}] for ${added} positions`);
      const data = rows.data as Float32Array;
      const array = this.arrays[i]!;
      for (let h = 0; h < heads; h++) {
        const from = h * added * headDim;
        array.set(data.subarray(from, from + added * headDim), (h * this.capacity + at) * headDim);
      }
    });
    this.writeStarts.push(at);
    this.rows = Math.max(this.rows, at + added);
    return this.cache(at + added);
  }

  private cache(length: number): BufferKvCache {
    return { layout: 'delta', length, buffer: this, writes: this.writeStarts.length };
  }

  /** Throws when a write since `cache` was made began inside its rows. */
  private check(cache: BufferKvCache): void {
    if (cache.buffer !== this) throw new Error('KV cache of another buffer');
    for (let i = cache.writes; i < this.writeStarts.length; i++) {
      if (this.writeStarts[i]! < cache.length) {
        throw new Error(
          'KV cache overwritten: a shorter cache on its buffer was continued since ' +
            '(finish with a continuation of a shared prefix before starting the next)',
        );
      }
    }
  }

  private grow(needed: number): void {
    const capacity = Math.ceil((needed + Math.max(GROWTH_ROWS, needed >> 3)) / GROWTH_ROWS) * GROWTH_ROWS;
    this.arrays = this.arrays.map((old, i) => {
      const { heads, headDim } = this.inputs[i]!;
      const next = new Float32Array(heads * capacity * headDim);
      for (let h = 0; h < heads; h++) {
        const from = h * this.capacity * headDim;
        next.set(old.subarray(from, from + this.rows * headDim), h * capacity * headDim);
      }
      return next;
    });
    this.capacity = capacity;
  }
}
