import { describe, expect, it } from 'vitest';
import {
  classifyFinding,
  splitFindings,
  splitSentences,
} from '../../../../../src/main/services/inference/engine/split-findings';

const sentences = (text: string) => splitSentences(text).map(({ start, end }) => text.slice(start, end));

describe('splitSentences', () => {
  it('splits on sentence ends, ";" and new lines', () => {
    expect(
      sentences('The heart is enlarged. Small left effusion!\nNo pneumothorax; mild atelectasis'),
    ).toEqual(['The heart is enlarged.', 'Small left effusion!', 'No pneumothorax', 'mild atelectasis']);
  });

  it('keeps decimals, abbreviations and initials inside their sentence', () => {
    expect(
      sentences(
        'ET tube tip approx. 4.5 cm above the carina. Nodule measures 1.5 cm. Discussed with Dr. J. Smith at 10 a.m. today. Patterns, e.g. reticular, vs. nodular. Findings are stable.',
      ),
    ).toEqual([
      'ET tube tip approx. 4.5 cm above the carina.',
      'Nodule measures 1.5 cm.',
      'Discussed with Dr. J. Smith at 10 a.m. today.',
      'Patterns, e.g. reticular, vs. nodular.',
      'Findings are stable.',
    ]);
  });

  it('removes section headers and list markers', () => {
    expect(
      sentences(
        'FINDINGS:\n1. Cardiomegaly.\n2) Small effusion.\n- No pneumothorax.\nIMPRESSION: Stable chest.',
      ),
    ).toEqual(['Cardiomegaly.', 'Small effusion.', 'No pneumothorax.', 'Stable chest.']);
  });

  it('returns offsets into the report', () => {
    const report = '  Heart normal.   Lungs clear.  ';
    expect(splitFindings(report).map((f) => [f.start, f.end, report.slice(f.start, f.end)])).toEqual([
      [2, 15, 'Heart normal.'],
      [18, 30, 'Lungs clear.'],
    ]);
  });

  it('ignores empty and punctuation-only text', () => {
    expect(sentences('')).toEqual([]);
    expect(sentences(' . ; \n ... !? ')).toEqual([]);
    expect(sentences('Findings:')).toEqual([]);
  });
});

describe('classifyFinding', () => {
  it.each([
    'No pneumothorax.',
    'No focal consolidation, effusion or pneumothorax.',
    'There is no pleural effusion.',
    'Lungs are clear without effusion.',
    'The lungs are clear.',
    'Heart size is normal.',
    'The heart is not enlarged.',
    'The cardiomediastinal silhouette is within normal limits.',
    'No acute cardiopulmonary process.',
    'Pneumothorax is not seen.',
    'The previously seen effusion has resolved.',
    'Negative for pneumothorax.',
    'Free of focal airspace disease.',
    'Osseous structures are intact.',
    'Costophrenic angles are sharp.',
    'No interval change.',
    'Lungs are well expanded and clear.',
    'The trachea is midline.',
    'No evidence of pneumonia or edema.',
    'PA and lateral views of the chest.',
    'Comparison is made to the prior radiograph.',
    'Neither effusion nor pneumothorax.',
  ])('normal: %s', (sentence) => {
    expect(classifyFinding(sentence)).toBe('normal');
  });

  it.each([
    'Small left pleural effusion.',
    'The cardiac silhouette is enlarged.',
    'Mild bibasilar atelectasis.',
    'Cardiomegaly without pleural effusion.',
    'No pneumothorax, but there is a small right effusion.',
    'The lungs are clear except for mild left basilar atelectasis.',
    'Pneumonia cannot be excluded.',
    'Infection can not be ruled out.',
    'No change in the moderate right pleural effusion.',
    'ET tube terminates 4.5 cm above the carina.',
    'Right upper lobe opacity.',
    'Stable cardiomegaly.',
    'Low lung volumes.',
    'Blunting of the left costophrenic angle.',
    'Degenerative changes of the thoracic spine.',
    'Interval increase in bilateral airspace disease.',
    'Heart size is normal, but there is a new nodule in the left lung.',
    'No effusion, with mild atelectasis at the bases.',
    'A 1.5 cm nodule in the right upper lobe.',
    'Something unexpected in the mediastinum.',
  ])('abnormal: %s', (sentence) => {
    expect(classifyFinding(sentence)).toBe('abnormal');
  });

  it('does not read "normal" in "abnormal" or "no" in "nodule" and "cannot"', () => {
    expect(classifyFinding('Abnormal contour of the left hilum.')).toBe('abnormal');
    expect(classifyFinding('Nodule at the right base.')).toBe('abnormal');
  });
});

describe('splitFindings', () => {
  it('splits and classifies a report', () => {
    const report =
      'The cardiac silhouette is enlarged. Small left pleural effusion. No pneumothorax. Lungs otherwise clear; approx. 1.5 cm nodule in the RUL.';
    expect(splitFindings(report).map((f) => [f.text, f.status])).toEqual([
      ['The cardiac silhouette is enlarged.', 'abnormal'],
      ['Small left pleural effusion.', 'abnormal'],
      ['No pneumothorax.', 'normal'],
      ['Lungs otherwise clear', 'normal'],
      ['approx. 1.5 cm nodule in the RUL.', 'abnormal'],
    ]);
  });

  it('never throws on hostile text', () => {
    for (const text of [
      '\u0000',
      '.'.repeat(10000),
      'no '.repeat(5000),
      '🫁. '.repeat(1000),
      'a\u2028b\u2029c',
      'Dr.'.repeat(100),
    ]) {
      expect(Array.isArray(splitFindings(text))).toBe(true);
    }
  });
});
