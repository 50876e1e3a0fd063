// The header's Burned In Annotation as the reading shows it: YES and NO as written (any case, padded),
// 'unknown' when absent or unusable, null when the file cannot be read.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBurnedInAnnotation } from '../../../../src/main/services/reading/burned-in-annotation';
import { writeSynthetic } from '../../../helpers/synthetic-dicom';
import { useTempDirs } from '../../../helpers/temp-dir';
import { CARDIOMEGALY } from './reading-fixtures';

const tempDir = useTempDirs();

describe('readBurnedInAnnotation', () => {
  it('reads YES from a demo study (its label is burned into the pixels)', () => {
    expect(readBurnedInAnnotation(CARDIOMEGALY)).toBe('YES');
  });

  it('reads NO, YES in any case, and unknown for a missing or unusable value', () => {
    const dir = tempDir();
    const cases: [string, Record<string, unknown> | null, string][] = [
      ['no.dcm', { BurnedInAnnotation: 'NO' }, 'NO'],
      ['lower.dcm', { BurnedInAnnotation: 'yes' }, 'YES'],
      ['maybe.dcm', { BurnedInAnnotation: 'MAYBE' }, 'unknown'],
      ['empty.dcm', { BurnedInAnnotation: '' }, 'unknown'],
      ['absent.dcm', null, 'unknown'],
    ];
    for (const [name, overrides, expected] of cases) {
      const file = join(dir, name);
      writeSynthetic(file, `1.2.826.0.1.3680043.10.1432.7.${name.length}`, overrides ? { overrides } : {});
      expect(readBurnedInAnnotation(file), name).toBe(expected);
    }
  });

  it('is null for a file that is gone or is not DICOM', () => {
    const dir = tempDir();
    expect(readBurnedInAnnotation(join(dir, 'gone.dcm'))).toBeNull();
    const text = join(dir, 'notes.dcm');
    writeFileSync(text, 'not a DICOM file\n');
    expect(readBurnedInAnnotation(text)).toBeNull();
  });
});
