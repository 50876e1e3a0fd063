import { describe, expect, it } from 'vitest';
import type { TagRow } from '../../src/shared/domain';
import { filterTags } from '../../src/renderer/viewer/tag-browser/filter-tags';

const row = (tag: string, name: string, value: string, depth = 0, vr = 'CS'): TagRow => ({
  tag,
  vr,
  name,
  value,
  depth,
});

const rows: TagRow[] = [
  row('(0008,0060)', 'Modality', 'CR'),
  row('(0008,1140)', 'ReferencedImageSequence', '', 0, 'SQ'),
  row('(0008,1150)', 'ReferencedSOPClassUID', '1.2.840.10008.5.1.4.1.1.1', 1, 'UI'),
  row('(0040,A730)', 'ContentSequence', '', 1, 'SQ'),
  row('(0040,A160)', 'TextValue', 'lateral marker', 2, 'UT'),
  row('(0028,0004)', 'PhotometricInterpretation', 'MONOCHROME1'),
];

describe('filterTags', () => {
  it('returns every row for an empty query', () => {
    expect(filterTags(rows, '  ')).toEqual(rows);
  });

  it('matches tag, name, VR and value case-insensitively', () => {
    expect(filterTags(rows, 'monochrome').map((r) => r.name)).toEqual(['PhotometricInterpretation']);
    expect(filterTags(rows, '0008,0060').map((r) => r.name)).toEqual(['Modality']);
  });

  it('keeps the enclosing sequences of a nested match', () => {
    expect(filterTags(rows, 'marker').map((r) => r.name)).toEqual([
      'ReferencedImageSequence',
      'ContentSequence',
      'TextValue',
    ]);
  });

  it('does not keep a sequence that has closed before the match', () => {
    expect(filterTags(rows, 'photometric').map((r) => r.depth)).toEqual([0]);
  });
});
