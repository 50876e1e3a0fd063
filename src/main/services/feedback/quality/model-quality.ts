// Model quality from the feedback records: per model version, how readers treated the drafts (finding
// actions), how well the boxes held (IoU, grounding reward) and how much of the text survived (GLEU,
// word edit distance, finding-label F1); per draft, the points of the trend plots. Also as CSV.
import type { ModelQuality, QualityPoint } from '../../../../shared/feedback';
import type { StoredRecord } from '../../store/feedback-repository';
import { groundingReward } from '../box-match';
import { csvRow } from './csv';
import { wordEditDistance } from './edit-distance';
import { extractLabels, type Label } from './finding-labels';
import { sentenceGleu } from './gleu';
import { labelMicroPrf } from './label-prf';

export type QualitySummary = { models: ModelQuality[]; points: QualityPoint[] };

type Group = {
  quality: ModelQuality;
  ious: number[];
  rewards: number[];
  gleus: number[];
  edits: number[];
  draftLabels: Set<Label>[];
  finalLabels: Set<Label>[];
};

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const mean = (xs: readonly number[]): number | null =>
  xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;

/** Model versions in the order of their first draft; points oldest first. Records read without a draft are skipped. */
export function qualitySummary(records: readonly StoredRecord[]): QualitySummary {
  const groups = new Map<string, Group>();
  const points: QualityPoint[] = [];
  // ISO timestamps sort as strings; the sort is stable, so equal times keep the repository's order.
  const byTime = [...records].sort((a, b) => compare(a.record.createdAt, b.record.createdAt));
  for (const { record } of byTime) {
    const { model, draft, final } = record;
    if (!model || !draft) continue;
    const key = JSON.stringify([model.id, model.version]);
    let group = groups.get(key);
    if (!group) {
      group = {
        quality: {
          modelId: model.id,
          modelVersion: model.version,
          records: 0,
          findings: { accepted: 0, edited: 0, rejected: 0, added: 0 },
          meanBoxIou: null,
          meanGroundingReward: null,
          meanGleu: null,
          meanEditDistance: null,
          labelF1: null,
        },
        ious: [],
        rewards: [],
        gleus: [],
        edits: [],
        draftLabels: [],
        finalLabels: [],
      };
      groups.set(key, group);
    }
    group.quality.records++;
    for (const action of record.actions) {
      group.quality.findings[action.action]++;
      if (action.boxIou !== null) group.ious.push(action.boxIou);
    }
    // Boxes are pooled over the findings of a record and matched as one set, class-agnostic: a reader
    // who rewords, merges or splits findings keeps the boxes, and the seed paper's reward is defined on
    // the box sets of an image. A record with no box on either side has nothing to ground (null, as
    // grounding_map in metrics.py skips such pairs) rather than a perfect 1.
    const draftBoxes = draft.findings.flatMap((f) => f.boxes.map((b) => b.pixel));
    const finalBoxes = final.findings.flatMap((f) => f.boxes.map((b) => b.pixel));
    const reward = draftBoxes.length || finalBoxes.length ? groundingReward(draftBoxes, finalBoxes) : null;
    const gleu = sentenceGleu(draft.report, final.report);
    const editDistance = wordEditDistance(draft.report, final.report);
    if (reward !== null) group.rewards.push(reward);
    group.gleus.push(gleu);
    group.edits.push(editDistance);
    group.draftLabels.push(extractLabels(draft.report));
    group.finalLabels.push(extractLabels(final.report));
    points.push({
      recordId: record.recordId,
      modelId: model.id,
      modelVersion: model.version,
      createdAt: record.createdAt,
      groundingReward: reward,
      gleu,
      editDistance,
    });
  }
  const models = [...groups.values()].map((g) => ({
    ...g.quality,
    meanBoxIou: mean(g.ious),
    meanGroundingReward: mean(g.rewards),
    meanGleu: mean(g.gleus),
    meanEditDistance: mean(g.edits),
    labelF1: labelMicroPrf(g.draftLabels, g.finalLabels).f1,
  }));
  return { models, points };
}

const CSV_HEADER = [
  'model_id',
  'model_version',
  'records',
  'accepted',
  'edited',
  'rejected',
  'added',
  'mean_box_iou',
  'mean_grounding_reward',
  'mean_gleu',
  'mean_word_edit_distance',
  'label_f1',
];

const fixed = (x: number | null, digits: number): string => (x === null ? '' : x.toFixed(digits));

/** One row per model version under a header row; RFC 4180 (CRLF, quoted where needed). */
export function qualityCsv(summary: QualitySummary): string {
  const rows = summary.models.map((m) =>
    csvRow([
      { text: m.modelId },
      { text: m.modelVersion },
      { number: String(m.records) },
      ...(['accepted', 'edited', 'rejected', 'added'] as const).map((a) => ({
        number: String(m.findings[a]),
      })),
      { number: fixed(m.meanBoxIou, 4) },
      { number: fixed(m.meanGroundingReward, 4) },
      { number: fixed(m.meanGleu, 4) },
      { number: fixed(m.meanEditDistance, 2) },
      { number: fixed(m.labelF1, 4) },
    ]),
  );
  return [csvRow(CSV_HEADER.map((text) => ({ text }))), ...rows].map((r) => `${r}\r\n`).join('');
}
