// The port against the original: extract_labels and label_prf of tools/demo-model/metrics.py run by
// Python on the same corpus must give the same label sets and the same micro scores.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { extractLabels, type Label } from '../../../../../src/main/services/feedback/quality/finding-labels';
import { labelMicroPrf } from '../../../../../src/main/services/feedback/quality/label-prf';
import { ROOT } from '../../../../helpers/paths';

const PYTHON = process.env.LIGHTBOX_PYTHON ?? '/usr/bin/python3';

const CORPUS = [
  '',
  'The heart is enlarged.',
  'Heart size is normal. No pleural effusion or pneumothorax.',
  'Moderate cardiomegaly with a small left pleural effusion.',
  'Right pneumothorax.',
  'Bilateral pleural effusions.',
  'Small effusion on the right.',
  'Pleural effusion is seen at the left base.',
  'There is no pneumothorax, but a right pleural effusion is present.',
  'Pneumothorax was not seen.',
  'The previously seen consolidation has resolved.',
  'Endotracheal tube and nasogastric tube in place.',
  'Left PICC line terminates in the SVC.',
  'A 1.5 cm nodule in the right upper lobe.',
  'Mass in the left hilum.',
  'No focal consolidation, effusion, or pneumothorax.',
  'Cardiac silhouette is mildly enlarged.',
  'The heart is not enlarged.',
  'Without evidence of pneumonia.',
  'Airspace opacity in the right lower lobe, concerning for pneumonia.',
  'Air-space disease at the left base.',
  'Pacemaker leads in the right atrium and ventricle.',
  'Interval removal of the chest tube; small residual left pneumothorax.',
  'Negative for pneumothorax. Small bilateral effusions.',
  'Free of consolidation. Stable cardiomegaly.',
  'Both lungs are clear without effusion.',
  'Effusions are absent.',
  'No cardiomegaly. Right-sided effusion.',
  // The side of the pneumothorax comes from "left" before it in the clause, not "on the right" after.
  'Effusion in the left hemithorax and pneumothorax on the right.',
  'Lines and tubes: central venous line tip in the SVC, feeding tube below the diaphragm.',
  'The ET tube is 4 cm above the carina.',
  'There is no evidence of pneumothorax or pleural effusion however there is a new right lower lobe consolidation.',
  'Absence of pleural effusion! Heart size appears large',
  'Cardiomegaly is not present.',
  'No change in the large left pleural effusion.',
  'Nodular opacities bilaterally.',
  'Catheters overlying the abdomen.',
  'Mild enlargement of the cardiac silhouette? Enlarged heart.',
  'Small left effusion; no right effusion.',
  'There is a right-sided pneumothorax which was not seen previously.',
  'NO PNEUMOTHORAX. LEFT EFFUSION.',
  'Trace bilateral pleural effusions, left greater than right.',
  'Pneumothoraces on both sides, though no effusion.',
  'Nodule is not seen, mass in the right lung.',
  'Support devices unchanged.\n\nImpression: small right effusion; otherwise normal.',
  // Unicode: Python's \b, \w and \s are Unicode-aware, JavaScript's are not.
  'Pneumothoraxé gauche. Épanchement; effusion droite.',
  'No\u00a0pneumothorax.\u001cLeft effusion.',
  `Pleural effusion ${'𝒜'.repeat(25)} on the left.`,
  `Pleural effusion ${'𝒜'.repeat(30)} on the left.`,
];

type PythonAnswer = {
  labels: string[][];
  micro: { precision: number; recall: number; f1: number; tp: number; fp: number; fn: number };
};

/** Labels of every text, and label_prf's micro entry of predicted = text i against truth = text i + 1. */
function python(texts: string[]): PythonAnswer {
  const script = `
import json, sys
sys.path.insert(0, 'tools/demo-model')
import metrics
texts = json.load(sys.stdin)
labels = [metrics.extract_labels(t) for t in texts]
micro = metrics.label_prf(labels[:-1], labels[1:])['micro']
print(json.dumps({'labels': [sorted(s) for s in labels], 'micro': micro}))
`;
  const out = execFileSync(PYTHON, ['-c', script], {
    cwd: ROOT,
    input: JSON.stringify(texts),
    encoding: 'utf8',
  });
  return JSON.parse(out) as PythonAnswer;
}

describe('extractLabels', () => {
  const expected = python(CORPUS);
  const ours = CORPUS.map(extractLabels);

  it('gives the label sets of metrics.py on every sentence of the corpus', () => {
    expect(ours.map((s) => [...s].sort())).toEqual(expected.labels);
  });

  it('is exercised by the corpus: every label, positive and negated mentions, and both sides', () => {
    const seen = new Set(ours.flatMap((s) => [...s]));
    expect(seen.size).toBe(8);
    expect(CORPUS.filter((_, i) => ours[i]!.size === 0).length).toBeGreaterThan(8);
  });

  it('reads clauses, negation, "but" and sides as metrics.py documents', () => {
    expect([...extractLabels('No pneumothorax, but a right pleural effusion is present.')]).toEqual([
      'right pleural effusion',
    ]);
    expect(extractLabels('No focal consolidation, effusion, or pneumothorax.').size).toBe(0);
    expect([...extractLabels('Small effusion on the right.')]).toEqual(['right pleural effusion']);
    expect([...extractLabels('Pleural effusion.')].sort()).toEqual([
      'left pleural effusion',
      'right pleural effusion',
    ]);
    expect([...extractLabels('Small left effusion; no right effusion.')]).toEqual(['left pleural effusion']);
  });

  it('gives label_prf micro scores of metrics.py', () => {
    const micro = labelMicroPrf(ours.slice(0, -1), ours.slice(1));
    expect(micro.tp + micro.fp + micro.fn).toBeGreaterThan(10);
    expect(micro).toEqual({
      ...expected.micro,
      precision: expect.closeTo(expected.micro.precision, 12),
      recall: expect.closeTo(expected.micro.recall, 12),
      f1: expect.closeTo(expected.micro.f1, 12),
    });
  });
});

describe('labelMicroPrf', () => {
  const set = (...labels: Label[]) => new Set<Label>(labels);

  it('scores agreement on nothing as perfect, and missing everything as zero', () => {
    expect(labelMicroPrf([set(), set()], [set(), set()])).toMatchObject({ precision: 1, recall: 1, f1: 1 });
    expect(labelMicroPrf([set()], [set('nodule')])).toMatchObject({ precision: 0, recall: 0, f1: 0, fn: 1 });
  });

  it('counts per sample and label', () => {
    const prf = labelMicroPrf(
      [set('nodule', 'cardiomegaly'), set('left pneumothorax')],
      [set('nodule'), set('left pneumothorax', 'right pneumothorax')],
    );
    expect(prf).toMatchObject({ tp: 2, fp: 1, fn: 1, precision: 2 / 3, recall: 2 / 3 });
    expect(prf.f1).toBeCloseTo(2 / 3, 12);
  });
});
