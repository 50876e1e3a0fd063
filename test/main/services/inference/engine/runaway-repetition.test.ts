import { describe, expect, it } from 'vitest';
import {
  findRunawayRepetition,
  truncateRunawayRepetition,
} from '../../../../../src/main/services/inference/engine/runaway-repetition';

describe('truncateRunawayRepetition', () => {
  it('keeps one copy of a looping sentence', () => {
    const out = truncateRunawayRepetition(`Heart size normal. ${'The lungs are clear. '.repeat(20)}`);
    expect(out.text).toBe('Heart size normal. The lungs are clear.');
    expect(out.repetition?.copies).toBe(20);
    expect(out.repetition?.unit).toHaveLength('The lungs are clear. '.length);
  });

  it('finishes the sentence when the period starts mid-sentence', () => {
    expect(
      truncateRunawayRepetition('Heart normal. Lungs clear. Lungs clear. Lungs clear. Lungs clear.').text,
    ).toBe('Heart normal. Lungs clear.');
  });

  it('cuts a loop that the token budget ended mid-copy', () => {
    expect(truncateRunawayRepetition(`No effusion. ${'Mild atelectasis. '.repeat(30)}Mild atel`).text).toBe(
      'No effusion. Mild atelectasis.',
    );
  });

  it('cuts runs of one character', () => {
    expect(truncateRunawayRepetition(`Impression${'.'.repeat(300)}`).text).toBe('Impression.');
  });

  it('leaves ordinary reports alone', () => {
    for (const text of [
      'The lungs are clear. The lungs are clear.',
      'No pneumothorax. No pleural effusion. No focal consolidation. No pneumothorax.',
      'Boxes [0.10, 0.20, 0.30, 0.40], [0.10, 0.20, 0.30, 0.45].',
      '... --- ...',
      'ha ha ha ha',
      '',
    ]) {
      expect(findRunawayRepetition(text)).toBeNull();
      expect(truncateRunawayRepetition(text).text).toBe(text);
    }
  });

  it('finds the earliest loop', () => {
    const text = `x ${'abcdefghij'.repeat(4)} y ${'klmnopqrst'.repeat(10)}`;
    expect(findRunawayRepetition(text)).toMatchObject({ start: 2, unit: 'abcdefghij', copies: 4 });
  });

  it('stays fast on long text', () => {
    const start = performance.now();
    // 20,000 characters without a loop: every period up to the limit is tried.
    let seed = 12345;
    const text = Array.from({ length: 20000 }, () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return String.fromCharCode(97 + ((seed >> 16) % 26));
    }).join('');
    expect(findRunawayRepetition(text)).toBeNull();
    expect(performance.now() - start).toBeLessThan(3000);
  });
});
