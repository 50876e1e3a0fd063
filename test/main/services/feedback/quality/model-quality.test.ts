// The summary and CSV of the hand-built records, read back from a real SQLite library; the expected
// numbers are worked out by hand in the comments.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../../../../src/main/paths';
import { qualityCsv, qualitySummary } from '../../../../../src/main/services/feedback/quality/model-quality';
import { Library } from '../../../../../src/main/services/library';
import { useTempDirs } from '../../../../helpers/temp-dir';
import { QUALITY_RECORDS, seedQualityLibrary } from './quality-records';

const tempDir = useTempDirs();

async function storedRecords() {
  const dir = tempDir();
  await seedQualityLibrary(dir);
  const library = Library.open(join(dir, DATABASE_FILE), null);
  try {
    return library.feedback.list();
  } finally {
    library.close();
  }
}

describe('qualitySummary', () => {
  it('summarises each model version of the stored records, skipping reads without a draft', async () => {
    const summary = qualitySummary(await storedRecords());
    expect(summary.models).toEqual([
      {
        modelId: 'lightbox-demo',
        modelVersion: '1.0.0',
        records: 2,
        findings: { accepted: 3, edited: 0, rejected: 1, added: 1 },
        meanBoxIou: 1,
        // Record 1: the same box on both sides (1); record 2: the pneumothorax box against the
        // reader's nodule box, IoU 1/3, one box each (1/3).
        meanGroundingReward: expect.closeTo(2 / 3, 12),
        // 1 and 1/6 (cardiomegaly right pneumothorax / cardiomegaly nodule: 1 of 6 n-grams).
        meanGleu: expect.closeTo(7 / 12, 12),
        meanEditDistance: 1,
        // tp: left effusion, cardiomegaly; fp: right pneumothorax; fn: nodule.
        labelF1: expect.closeTo(2 / 3, 12),
      },
      {
        modelId: 'research,"beta"',
        modelVersion: '0.1',
        records: 1,
        findings: { accepted: 1, edited: 0, rejected: 0, added: 0 },
        meanBoxIou: null,
        meanGroundingReward: null,
        meanGleu: 1,
        meanEditDistance: 0,
        labelF1: 1,
      },
      {
        modelId: 'lightbox-demo',
        modelVersion: '2.0.0',
        records: 1,
        findings: { accepted: 0, edited: 1, rejected: 0, added: 0 },
        meanBoxIou: 0.5,
        meanGroundingReward: 0.5,
        meanGleu: 0.6,
        meanEditDistance: 1,
        labelF1: 1,
      },
    ]);
    expect(
      summary.points.map((p) => [p.recordId, p.modelVersion, p.groundingReward, p.gleu, p.editDistance]),
    ).toEqual([
      ['0000000000000001', '1.0.0', 1, 1, 0],
      ['0000000000000002', '1.0.0', expect.closeTo(1 / 3, 12), 1 / 6, 2],
      ['0000000000000004', '0.1', null, 1, 0],
      ['0000000000000003', '2.0.0', 0.5, 0.6, 1],
    ]);
  });

  it('orders by creation time whatever the input order, and is empty without drafts', () => {
    const stored = QUALITY_RECORDS.map((record) => ({
      record,
      studyId: '00000000000000ab',
      instanceId: '00000000000000cd',
      imageSha256: null,
      excluded: false,
      excludeReason: null,
    }));
    const summary = qualitySummary(stored);
    expect(summary.points.map((p) => p.createdAt)).toEqual(
      [...summary.points.map((p) => p.createdAt)].sort(),
    );
    expect(summary.models.map((m) => m.modelVersion)).toEqual(['1.0.0', '0.1', '2.0.0']);
    expect(qualitySummary(stored.filter((s) => s.record.draft === null))).toEqual({ models: [], points: [] });
  });
});

describe('qualityCsv', () => {
  it('writes a header and one row per model version with fixed precision', async () => {
    const csv = qualityCsv(qualitySummary(await storedRecords()));
    expect(csv).toBe(
      'model_id,model_version,records,accepted,edited,rejected,added,mean_box_iou,mean_grounding_reward,' +
        'mean_gleu,mean_word_edit_distance,label_f1\r\n' +
        'lightbox-demo,1.0.0,2,3,0,1,1,1.0000,0.6667,0.5833,1.00,0.6667\r\n' +
        '"research,""beta""",0.1,1,1,0,0,0,,,1.0000,0.00,1.0000\r\n' +
        'lightbox-demo,2.0.0,1,0,1,0,0,0.5000,0.5000,0.6000,1.00,1.0000\r\n',
    );
  });

  it('guards model names against formula injection', () => {
    const csv = qualityCsv({
      models: [
        {
          modelId: '=cmd|"/c calc"!A1',
          modelVersion: '+1',
          records: 0,
          findings: { accepted: 0, edited: 0, rejected: 0, added: 0 },
          meanBoxIou: null,
          meanGroundingReward: null,
          meanGleu: null,
          meanEditDistance: null,
          labelF1: null,
        },
      ],
      points: [],
    });
    expect(csv.split('\r\n')[1]).toBe(`"'=cmd|""/c calc""!A1",'+1,0,0,0,0,0,,,,,`);
  });
});
