// Qwen3-VL's multimodal rotary positions (transformers `Qwen3VLModel.get_rope_index`, images only): text
// tokens advance t, h and w together; an image's tokens take (0, row, column) of its merged grid, offset by
// the position the image starts at, and the text after it resumes from the largest position + 1. The prompt
// thus ends before its length, and decoding continues at past_length + rope_delta on all three axes.

export type RopeConfig = { imageTokenId: number; visionStartTokenId: number; spatialMergeSize: number };

export type RopeIndex = {
  /** [3, batch, sequence] (t, h, w), int64 as the decoder takes it. */
  positionIds: BigInt64Array;
  dims: [3, number, number];
  /** Per batch row: the decode position minus the token index. */
  ropeDeltas: number[];
};

type Grid = readonly [number, number, number];

/** Positions of one row's attended tokens; takes the row's grids off the front of `grids`. */
function rowPositions(
  ids: readonly number[],
  grids: Grid[],
  config: RopeConfig,
): { t: number[]; h: number[]; w: number[] } {
  const { imageTokenId, visionStartTokenId, spatialMergeSize: m } = config;
  const t: number[] = [];
  const h: number[] = [];
  const w: number[] = [];
  const push = (pt: number, ph: number, pw: number) => {
    t.push(pt);
    h.push(ph);
    w.push(pw);
  };
  let next = 0;
  const text = (count: number) => {
    for (let k = 0; k < count; k++) push(next + k, next + k, next + k);
    next += count;
  };
  const images = ids.filter((id, i) => id === visionStartTokenId && ids[i + 1] === imageTokenId).length;
  let st = 0;
  for (let image = 0; image < images; image++) {
    const grid = grids.shift();
    if (!grid) throw new Error('the prompt has more images than image grids');
    const [gt, gh, gw] = grid;
    const rows = gh / m;
    const cols = gw / m;
    if (gt !== 1 || !Number.isInteger(rows) || !Number.isInteger(cols))
      throw new Error(`image grid [${grid.join(', ')}] is not one frame of whole merge blocks`);
    const ed = ids.indexOf(imageTokenId, st);
    const tokens = rows * cols;
    const run = ids.slice(ed, ed + tokens);
    if (run.length !== tokens || run.some((id) => id !== imageTokenId) || ids[ed + tokens] === imageTokenId) {
      throw new Error(`image ${image + 1} needs exactly ${tokens} image tokens in the prompt`);
    }
    text(ed - st);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) push(next, next + r, next + c);
    next += Math.max(rows, cols);
    st = ed + tokens;
  }
  text(ids.length - st);
  return { t, h, w };
}

/**
 * Prompt positions for a batch of token rows; `attentionMask` (1 = token, 0 = padding) is all ones when absent.
 * Padding positions are 1, as in the reference.
 */
export function ropeIndex(
  inputIds: readonly (readonly number[])[],
  imageGrids: readonly Grid[],
  config: RopeConfig,
  attentionMask?: readonly (readonly number[])[],
): RopeIndex {
  const batch = inputIds.length;
  const length = inputIds[0]?.length ?? 0;
  if (inputIds.some((row) => row.length !== length)) throw new Error('input rows must have the same length');
  const mask = attentionMask ?? inputIds.map((row) => row.map(() => 1));
  if (mask.length !== batch || mask.some((row) => row.length !== length))
    throw new Error('attention mask does not match the input ids');
  const positionIds = new BigInt64Array(3 * batch * length).fill(1n);
  const ropeDeltas: number[] = [];
  const grids = [...imageGrids];
  for (let b = 0; b < batch; b++) {
    const attended = mask[b]!.flatMap((on, i) => (on === 1 ? [i] : []));
    const ids = attended.map((i) => inputIds[b]![i]!);
    const axes = rowPositions(ids, grids, config);
    let max = -1;
    [axes.t, axes.h, axes.w].forEach((axis, a) => {
      attended.forEach((i, k) => {
        positionIds[(a * batch + b) * length + i] = BigInt(axis[k]!);
        max = Math.max(max, axis[k]!);
      });
    });
    // Without images the reference takes the largest position over padding too (padding sits at 1).
    if (imageGrids.length === 0 && attended.length < length) max = Math.max(max, 1);
    ropeDeltas.push(max + 1 - length);
  }
  if (grids.length > 0) throw new Error(`${grids.length} image grid(s) have no image in the prompt`);
  return { positionIds, dims: [3, batch, length], ropeDeltas };
}

/** Positions [3, batch, count] of `count` new tokens after `pastLength` cached ones. */
export function decodePositionIds(
  pastLength: number,
  ropeDeltas: readonly number[],
  count = 1,
): BigInt64Array {
  const batch = ropeDeltas.length;
  const out = new BigInt64Array(3 * batch * count);
  for (let a = 0; a < 3; a++) {
    for (let b = 0; b < batch; b++) {
      for (let k = 0; k < count; k++)
        out[(a * batch + b) * count + k] = BigInt(pastLength + k + ropeDeltas[b]!);
    }
  }
  return out;
}
