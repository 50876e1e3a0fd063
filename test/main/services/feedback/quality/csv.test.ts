import { describe, expect, it } from 'vitest';
import { csvRow } from '../../../../../src/main/services/feedback/quality/csv';

describe('csvRow', () => {
  it('quotes cells with commas, quotes or line breaks, doubling inner quotes (RFC 4180)', () => {
    expect(csvRow([{ text: 'plain' }, { text: 'a,b' }, { text: 'say "hi"' }, { text: 'two\nlines' }])).toBe(
      'plain,"a,b","say ""hi""","two\nlines"',
    );
  });

  it('defuses text that a spreadsheet would run as a formula, but not numbers', () => {
    expect(
      csvRow([
        { text: '=HYPERLINK("x")' },
        { text: '+1' },
        { text: '-2' },
        { text: '@SUM(A1)' },
        { text: '\tx' },
        { text: 'a=b' },
        { number: '-0.5' },
      ]),
    ).toBe(`"'=HYPERLINK(""x"")",'+1,'-2,'@SUM(A1),'\tx,a=b,-0.5`);
  });
});
