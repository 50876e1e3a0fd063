// Box agreement between a draft and the reader's final: IoU, one-to-one matching by the Hungarian
// algorithm (maximum total IoU), and the seed paper's grounding reward (IoU-weighted soft F1).
// Same definitions as tools/demo-model/metrics.py, so app and training numbers compare.
import type { Box } from '../../../shared/draft';

export function iou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/** Minimum-cost assignment (rows x cols, any shape): [row, col] pairs, as many as the smaller side. */
export function hungarian(cost: readonly (readonly number[])[]): [number, number][] {
  const rows = cost.length;
  const cols = rows ? cost[0]!.length : 0;
  if (!rows || !cols) return [];
  const transposed = rows > cols;
  const c = transposed ? cost[0]!.map((_, j) => cost.map((r) => r[j]!)) : cost.map((r) => [...r]);
  const n = c.length;
  const m = c[0]!.length;
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1); // p[j]: row (1-based) on column j; 0 = none
  const way = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(m + 1).fill(Infinity);
    const used = new Uint8Array(m + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = Infinity;
      let j1 = -1;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = c[i0 - 1]![j - 1]! - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]!]! += delta;
          v[j]! -= delta;
        } else minv[j]! -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const pairs: [number, number][] = [];
  for (let j = 1; j <= m; j++)
    if (p[j] !== 0) pairs.push(transposed ? [j - 1, p[j]! - 1] : [p[j]! - 1, j - 1]);
  return pairs.sort((a, b) => a[0] - b[0]);
}

/** IoUs of the matched pairs (maximum total IoU). */
export function matchedIous(pred: readonly Box[], truth: readonly Box[]): number[] {
  if (!pred.length || !truth.length) return [];
  const m = pred.map((a) => truth.map((b) => iou(a, b)));
  return hungarian(m.map((r) => r.map((x) => -x))).map(([i, j]) => m[i]![j]!);
}

/** Soft precision = sum of matched IoUs / #pred, soft recall = / #truth; reward = their harmonic mean. */
export function groundingReward(pred: readonly Box[], truth: readonly Box[]): number {
  if (!pred.length && !truth.length) return 1;
  if (!pred.length || !truth.length) return 0;
  const s = matchedIous(pred, truth).reduce((a, b) => a + b, 0);
  const precision = s / pred.length;
  const recall = s / truth.length;
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

/** Mean IoU over the larger side's count (unmatched boxes count 0); null when either side has none. */
export function meanMatchedIou(draft: readonly Box[], final: readonly Box[]): number | null {
  if (!draft.length || !final.length) return null;
  const s = matchedIous(draft, final).reduce((a, b) => a + b, 0);
  return s / Math.max(draft.length, final.length);
}
