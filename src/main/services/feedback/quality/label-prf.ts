// Micro-averaged label precision/recall/F1 over samples, as label_prf in tools/demo-model/metrics.py
// (its "micro" entry, with the same conventions when a side is empty).
import { LABELS, type Label } from './finding-labels';

export type Prf = { precision: number; recall: number; f1: number; tp: number; fp: number; fn: number };

export function labelMicroPrf(
  predicted: readonly ReadonlySet<Label>[],
  truth: readonly ReadonlySet<Label>[],
): Prf {
  if (predicted.length !== truth.length)
    throw new Error('labelMicroPrf: predicted and truth differ in length');
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const label of LABELS) {
    predicted.forEach((p, i) => {
      const inTruth = truth[i]!.has(label);
      if (p.has(label)) {
        if (inTruth) tp++;
        else fp++;
      } else if (inTruth) fn++;
    });
  }
  // Nothing predicted is perfect precision only if nothing was missed; nothing true is perfect recall.
  const precision = tp + fp ? tp / (tp + fp) : fn === 0 ? 1 : 0;
  const recall = tp + fn ? tp / (tp + fn) : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, tp, fp, fn };
}
