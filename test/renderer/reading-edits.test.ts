import { describe, expect, it } from 'vitest';
import type { Reading, ReadingFinding } from '../../src/shared/reading';
import {
  drawnBoxOps,
  findingOfBox,
  groundOps,
  groundTarget,
  isReadOnly,
  isStaleRevision,
  mayEditBoxes,
  mayEditText,
  MISSED_FINDING_TEXT,
  newId,
} from '../../src/renderer/report/reading-edits';
import { idSchema } from '../../src/shared/domain';

const box = { x: 10, y: 20, width: 30, height: 40 };

const finding = (id: string, text: string, state: ReadingFinding['state'] = 'pending'): ReadingFinding => ({
  id,
  modelIndex: state === 'added' ? null : 0,
  modelText: state === 'added' ? null : text,
  text,
  state,
  boxes: [],
});

const findings = [
  finding('000000000000000a', 'Right upper lobe opacity.'),
  finding('000000000000000b', 'Small left pleural effusion.', 'rejected'),
  finding('000000000000000c', 'Left basal effusion, small.'),
];

const reading = (over: Partial<Reading> = {}): Reading => ({
  studyId: '0000000000000001',
  version: 1,
  parentVersion: null,
  revision: 3,
  status: 'in-progress',
  draftId: null,
  instanceId: '0000000000000002',
  findings,
  impression: '',
  canUndo: false,
  canRedo: false,
  signedBy: null,
  signedAt: null,
  updatedAt: '2025-01-01T00:00:00.000Z',
  exclude: null,
  ...over,
});

/** Ids in order: 1, 2, 3 ... as 16 hex digits. */
const counter = () => {
  let n = 0;
  return () => (++n).toString(16).padStart(16, '0');
};

describe('newId', () => {
  it('makes ids the contract takes, from the random bytes', () => {
    expect(newId((b) => b.fill(0xab))).toBe('abababababababab');
    expect(idSchema.safeParse(newId()).success).toBe(true);
    expect(newId()).not.toBe(newId());
  });
});

describe('isStaleRevision', () => {
  it("recognises main's refusal of an edit made on an older revision", () => {
    expect(isStaleRevision('The reading was changed in another window; it has been reloaded.')).toBe(true);
    expect(isStaleRevision('Only radiologists sign reports.')).toBe(false);
  });
});

describe('who may change what', () => {
  it('lets radiologists edit text, annotators only boxes, and nobody a signed reading', () => {
    expect(mayEditText(reading(), 'radiologist')).toBe(true);
    expect(mayEditText(reading(), 'annotator')).toBe(false);
    expect(mayEditBoxes(reading(), 'annotator')).toBe(true);
    expect(mayEditBoxes(reading(), null)).toBe(false);
    const signed = reading({ status: 'signed' });
    expect(isReadOnly(signed)).toBe(true);
    expect(mayEditText(signed, 'radiologist')).toBe(false);
    expect(mayEditBoxes(signed, 'annotator')).toBe(false);
  });
});

describe('groundTarget', () => {
  it('takes the finding the phrase was selected in', () => {
    expect(groundTarget(findings, 'opacity', '000000000000000c')?.id).toBe('000000000000000c');
  });

  it('otherwise takes the first finding holding the phrase, ignoring case and rejected findings', () => {
    expect(groundTarget(findings, 'EFFUSION', null)?.id).toBe('000000000000000c');
    expect(groundTarget(findings, 'effusion', '000000000000000b')?.id).toBe('000000000000000c');
  });

  it('finds none for a phrase no finding holds', () => {
    expect(groundTarget(findings, 'cardiomegaly', null)).toBeNull();
  });
});

describe('groundOps', () => {
  it('adds the boxes to the finding that holds the phrase', () => {
    const ids = counter();
    expect(groundOps(findings, 'upper lobe', null, [box, box], ids)).toEqual({
      findingId: '000000000000000a',
      ops: [
        { type: 'box.add', findingId: '000000000000000a', boxId: '0000000000000001', box },
        { type: 'box.add', findingId: '000000000000000a', boxId: '0000000000000002', box },
      ],
    });
  });

  it('makes a finding of the phrase when none holds it', () => {
    const ids = counter();
    expect(groundOps(findings, 'Cardiomegaly', null, [box], ids)).toEqual({
      findingId: '0000000000000001',
      ops: [
        { type: 'finding.add', findingId: '0000000000000001', text: 'Cardiomegaly' },
        { type: 'box.add', findingId: '0000000000000001', boxId: '0000000000000002', box },
      ],
    });
  });
});

describe('drawnBoxOps', () => {
  it('gives a drawn box to the selected finding, under the id it was drawn with', () => {
    expect(drawnBoxOps('000000000000000a', '00000000000000ff', box, counter())).toEqual({
      findingId: '000000000000000a',
      ops: [{ type: 'box.add', findingId: '000000000000000a', boxId: '00000000000000ff', box }],
    });
  });

  it('makes a missed finding for a box drawn with no finding selected', () => {
    expect(drawnBoxOps(null, '00000000000000ff', box, counter())).toEqual({
      findingId: '0000000000000001',
      ops: [
        { type: 'finding.add', findingId: '0000000000000001', text: MISSED_FINDING_TEXT },
        { type: 'box.add', findingId: '0000000000000001', boxId: '00000000000000ff', box },
      ],
    });
  });
});

describe('findingOfBox', () => {
  it('finds the finding that holds a box', () => {
    const withBox = findings.map((f, i) =>
      i === 2
        ? { ...f, boxes: [{ ...box, id: '00000000000000b1', source: 'model' as const, modelBox: box }] }
        : f,
    );
    expect(findingOfBox(reading({ findings: withBox }), '00000000000000b1')?.id).toBe('000000000000000c');
    expect(findingOfBox(reading({ findings: withBox }), '00000000000000b2')).toBeUndefined();
  });
});
