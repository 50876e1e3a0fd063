import { describe, expect, it } from 'vitest';
import type { Instance, Series, Study, View } from '../../src/shared/domain';
import { imageIdFor, pickViews, stackForSeries } from '../../src/renderer/viewer/pick-views';

const BASE = 'lightbox://app/image/';
let counter = 0;
const hex = () => (++counter).toString(16).padStart(16, '0');

const instance = (view: View, frames = 1): Instance => ({
  id: hex(),
  sopInstanceUid: `1.2.${counter}`,
  instanceNumber: 1,
  view,
  rows: 10,
  columns: 10,
  frames,
  photometric: 'MONOCHROME2',
  transferSyntaxUid: '1.2.840.10008.1.2.1',
  duplicateOf: [],
});

const series = (...instances: Instance[]): Series => ({
  id: hex(),
  seriesInstanceUid: `1.3.${counter}`,
  seriesNumber: 1,
  modality: 'CR',
  description: '',
  bodyPart: 'CHEST',
  instances,
});

const study = (...s: Series[]): Study => ({
  id: hex(),
  studyInstanceUid: '1.4',
  patientName: 'Doe^Jane',
  patientId: 'P1',
  studyDate: '2024-01-02',
  description: '',
  accession: '',
  modalities: ['CR'],
  views: [],
  imageCount: s.reduce((n, x) => n + x.instances.length, 0),
  status: 'new',
  importedAt: '',
  patientBirthDate: '',
  patientSex: '',
  series: s,
});

describe('imageIdFor', () => {
  it('builds wadouri ids on the image base, with a 1-based frame only for multi-frame files', () => {
    expect(imageIdFor(BASE, 'abc', 0, 1)).toBe('wadouri:lightbox://app/image/abc');
    expect(imageIdFor('http://127.0.0.1:5/image', 'abc', 2, 3)).toBe(
      'wadouri:http://127.0.0.1:5/image/abc?frame=3',
    );
  });
});

describe('stackForSeries', () => {
  it('expands frames and starts at the requested instance', () => {
    const a = instance('PA', 2);
    const b = instance('PA');
    const stack = stackForSeries(BASE, series(a, b), b.id);
    expect(stack.entries.map((e) => [e.instanceId, e.frame])).toEqual([
      [a.id, 0],
      [a.id, 1],
      [b.id, 0],
    ]);
    expect(stack.initialIndex).toBe(2);
  });
});

describe('pickViews', () => {
  it('puts the first frontal image first and the first lateral image second', () => {
    const other = instance('OTHER');
    const lateral = instance('LATERAL');
    const ap = instance('AP');
    const pa = instance('PA');
    const views = pickViews(study(series(other), series(lateral), series(ap, pa)), BASE);
    expect(views.map((v) => v.entries[v.initialIndex]?.instanceId)).toEqual([ap.id, lateral.id]);
  });

  it('shows a one-image study alone', () => {
    expect(pickViews(study(series(instance('PA'))), BASE)).toHaveLength(1);
  });

  it('puts the next image beside the frontal one when there is no lateral', () => {
    const pa = instance('PA');
    const ap = instance('AP');
    const views = pickViews(study(series(pa, ap)), BASE);
    expect(views.map((v) => v.entries[v.initialIndex]?.instanceId)).toEqual([pa.id, ap.id]);
    expect(views[1]?.entries).toHaveLength(2);
  });

  it('leads with the first image when no view is frontal', () => {
    const first = instance('OTHER');
    const lateral = instance('LATERAL');
    const views = pickViews(study(series(first), series(lateral)), BASE);
    expect(views.map((v) => v.entries[v.initialIndex]?.instanceId)).toEqual([first.id, lateral.id]);
  });

  it('opens nothing for a study without images', () => {
    expect(pickViews(study(), BASE)).toEqual([]);
  });
});
