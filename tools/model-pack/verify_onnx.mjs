// Runs a model pack's three graphs in onnxruntime-node (the runtime Lightbox ships) for export.py's
// verification and the Python golden tests: vision encoder -> token embeddings with image features
// and DeepStack features scattered to the image positions -> decoder prefill (optionally in chunks,
// which exercises the KV cache, in either layout) -> greedy decoding with positions from rope_deltas.
// Usage: node verify_onnx.mjs JOB.json. Tensors travel as .npy files (float32 / int64, C order).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';

const NPY_TYPES = { '<f4': ['float32', Float32Array], '<i8': ['int64', BigInt64Array] };

function readNpy(file) {
  const buf = readFileSync(file);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file}: Fortran order`);
  const shape = /'shape':\s*\(([^)]*)\)/
    .exec(header)[1]
    .split(',')
    .filter((s) => s.trim())
    .map(Number);
  const [type, Ctor] = NPY_TYPES[descr] ?? [];
  if (!type) throw new Error(`${file}: unsupported dtype ${descr}`);
  const bytes = buf.subarray(start + headerLen);
  const data = new Ctor(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return new ort.Tensor(type, data, shape);
}

function writeNpy(file, data, shape) {
  const descr = data instanceof BigInt64Array ? '<i8' : '<f4';
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((header.length + 10) % 64)) + '\n';
  const head = Buffer.alloc(10);
  Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0]).copy(head);
  head.writeUInt16LE(header.length, 8);
  writeFileSync(
    file,
    Buffer.concat([
      head,
      Buffer.from(header, 'latin1'),
      Buffer.from(data.buffer, data.byteOffset, data.byteLength),
    ]),
  );
}

const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const input = (name) => readNpy(path.join(job.dir, `${name}.npy`));
const output = (name, data, shape) => writeNpy(path.join(job.dir, `${name}.npy`), data, shape);
const options = { intraOpNumThreads: job.threads ?? 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' };
const seconds = {};
let clock = performance.now();
const lap = (name) => {
  seconds[name] = (seconds[name] ?? 0) + (performance.now() - clock) / 1000;
  clock = performance.now();
};
const [vision, embed, decoder] = await Promise.all(
  ['vision_encoder', 'embed_tokens', 'decoder_model_merged'].map((g) =>
    ort.InferenceSession.create(job.graphs[g], options),
  ),
);

lap('load');
const ids = input('input_ids');
const seqLen = ids.dims[1];
const { inputs_embeds: embeds } = await embed.run({ input_ids: ids });
const hidden = embeds.dims[2];
const kvInputs = decoder.inputNames.filter((n) => n.startsWith('past_key_values.'));
const kvMeta = Object.fromEntries(decoder.inputMetadata.map((m) => [m.name, m.shape]));
const levels = kvMeta.deepstack_visual_embeds[0];
const deepstack = new Float32Array(levels * seqLen * hidden);

if (job.has_image) {
  const out = await vision.run({
    pixel_values: input('pixel_values'),
    image_grid_thw: input('image_grid_thw'),
  });
  const features = out.image_features.data;
  const stack = out.deepstack_features.data;
  const tokens = out.image_features.dims[0];
  output('image_features', features, out.image_features.dims);
  output('deepstack_features', stack, out.deepstack_features.dims);
  let next = 0;
  for (let s = 0; s < seqLen; s++) {
    if (ids.data[s] !== BigInt(job.image_token_id)) continue;
    if (next >= tokens) throw new Error('more image tokens than image features');
    embeds.data.set(features.subarray(next * hidden, (next + 1) * hidden), s * hidden);
    for (let k = 0; k < levels; k++) {
      const src = (k * tokens + next) * hidden;
      deepstack.set(stack.subarray(src, src + hidden), (k * seqLen + s) * hidden);
    }
    next++;
  }
  if (next !== tokens) throw new Error(`${next} image tokens for ${tokens} image features`);
  lap('vision');
}
output('inputs_embeds', embeds.data, embeds.dims);

// A delta decoder (contract 1.1) reads the first pastLen rows of one buffer per input and returns the new
// rows, written here in place; its spare rows hold junk, which a correct graph never reads. A contract 1
// decoder returns the whole cache (present.*), fed back as the next past.
const delta = decoder.outputNames.some((n) => n.startsWith('present_delta.'));
const capacity = seqLen + (job.greedy_steps ?? 0) + 3;
let past = Object.fromEntries(
  kvInputs.map((n) => {
    const [, heads, , headDim] = kvMeta[n];
    if (!delta) return [n, new ort.Tensor('float32', new Float32Array(0), [1, heads, 0, headDim])];
    const junk = Float32Array.from(
      { length: heads * capacity * headDim },
      (_, i) => ((i * 7919) % 2001) - 1000,
    );
    return [n, new ort.Tensor('float32', junk, [1, heads, capacity, headDim])];
  }),
);
let pastLen = 0;
async function decode(embedData, positions, stack, len) {
  const feeds = {
    inputs_embeds: new ort.Tensor('float32', embedData, [1, len, hidden]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(pastLen + len).fill(1n), [1, pastLen + len]),
    position_ids: new ort.Tensor('int64', positions, [3, 1, len]),
    deepstack_visual_embeds: new ort.Tensor('float32', stack, [levels, 1, len, hidden]),
    ...past,
  };
  const out = await decoder.run(feeds);
  if (delta) {
    for (const n of kvInputs) {
      const rows = out[n.replace('past_key_values.', 'present_delta.')];
      const [, heads, , headDim] = rows.dims;
      for (let h = 0; h < heads; h++)
        past[n].data.set(
          rows.data.subarray(h * len * headDim, (h + 1) * len * headDim),
          (h * capacity + pastLen) * headDim,
        );
    }
  } else past = Object.fromEntries(kvInputs.map((n) => [n, out[n.replace('past_key_values.', 'present.')]]));
  pastLen += len;
  return out.logits.data;
}

// prompt, chunk by chunk: each chunk's last logits are recorded
const positionIds = input('position_ids').data;
const chunkLogits = [];
let logits;
for (const [a, b] of job.prefill_chunks ?? [[0, seqLen]]) {
  const len = b - a;
  const pos = new BigInt64Array(3 * len);
  for (let axis = 0; axis < 3; axis++)
    pos.set(positionIds.subarray(axis * seqLen + a, axis * seqLen + b), axis * len);
  const stack = new Float32Array(levels * len * hidden);
  for (let k = 0; k < levels; k++)
    stack.set(deepstack.subarray((k * seqLen + a) * hidden, (k * seqLen + b) * hidden), k * len * hidden);
  logits = await decode(embeds.data.slice(a * hidden, b * hidden), pos, stack, len);
  chunkLogits.push(logits);
}
lap('prefill');
const vocab = logits.length;
const concat = (rows) => {
  const all = new Float32Array(rows.length * vocab);
  rows.forEach((r, i) => all.set(r, i * vocab));
  return all;
};
output('chunk_logits', concat(chunkLogits), [chunkLogits.length, vocab]);

// greedy decoding: a decode step at cache length L has position L + rope_delta on all three axes
const greedy = [];
const stepLogits = [];
for (let step = 0; step < (job.greedy_steps ?? 0); step++) {
  stepLogits.push(logits);
  let best = 0;
  for (let v = 1; v < vocab; v++) if (logits[v] > logits[best]) best = v;
  greedy.push(best);
  if (greedy.length === job.greedy_steps) break;
  const { inputs_embeds: e } = await embed.run({
    input_ids: new ort.Tensor('int64', BigInt64Array.from([BigInt(best)]), [1, 1]),
  });
  const p = BigInt(pastLen + job.rope_delta);
  logits = await decode(e.data, BigInt64Array.from([p, p, p]), new Float32Array(levels * hidden), 1);
}
output('step_logits', concat(stepLogits), [stepLogits.length, vocab]);
lap('decode');
writeFileSync(path.join(job.dir, 'greedy_ids.json'), JSON.stringify(greedy));
// VmHWM: this process's own peak (getrusage's maxRSS also counts the parent it was forked from)
const hwm = /VmHWM:\s+(\d+) kB/.exec(
  existsSync('/proc/self/status') ? readFileSync('/proc/self/status', 'utf8') : '',
);
const stats = {
  seconds,
  decode_steps: Math.max(0, greedy.length - 1),
  max_rss_bytes: (hwm ? Number(hwm[1]) : process.resourceUsage().maxRSS) * 1024,
};
writeFileSync(path.join(job.dir, 'stats.json'), JSON.stringify(stats));
