import { describe, expect, it } from 'vitest';
import { formatPersonName, formatViews } from '../../src/renderer/worklist/format';

describe('worklist formatting', () => {
  it('formats DICOM person names', () => {
    expect(formatPersonName('Doe^Jane^Q')).toBe('Doe, Jane Q');
    expect(formatPersonName('CompressedSamples^RG1')).toBe('CompressedSamples, RG1');
    expect(formatPersonName('Anonymized')).toBe('Anonymized');
    expect(formatPersonName('Yamada^Tarou=山田^太郎')).toBe('Yamada, Tarou');
    expect(formatPersonName('')).toBe('');
  });

  it('abbreviates lateral views', () => {
    expect(formatViews(['PA', 'LATERAL'])).toBe('PA + LAT');
    expect(formatViews([])).toBe('—');
  });
});
