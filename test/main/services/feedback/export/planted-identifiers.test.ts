// Identifiers planted in DICOM headers and typed by readers into every text field must leave no trace
// in any byte of any export: walked file by file (JSONL, Parquet with uncompressed pages, PNG, manifest),
// compared case-insensitively with spacing and punctuation ignored, each name part on its own too.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FeedbackRecord } from '../../../../../src/shared/feedback';
import { exportFeedback } from '../../../../../src/main/services/feedback/export/export-feedback';
import type { Library } from '../../../../../src/main/services/library';
import { imageElements, writeDicom, type DicomElement } from '../../../../helpers/dicom-writer';
import { useTempDirs } from '../../../../helpers/temp-dir';
import { BOXES, importFile, insertRecord, openLibrary, readingParts } from './fixtures';

const tempDir = useTempDirs();
const libraries: Library[] = [];
afterEach(() => {
  for (const library of libraries.splice(0)) library.close();
});

const STUDY_UID = '1.2.826.0.1.3680043.10.1432.424242';
const el = (tag: number, vr: string, value: DicomElement['value']): DicomElement => ({ tag, vr, value });

/** A radiograph of the planted patient; each study of theirs gets its own UIDs. */
function plantedFile(study: number, burnedIn: 'YES' | 'NO'): { bytes: Uint8Array; sopUid: string } {
  const studyUid = `${STUDY_UID}.${study}`;
  const sopUid = `${studyUid}.1.1`;
  const rows = 64;
  const columns = 80;
  const pixels = new Uint16Array(rows * columns).map(
    (_, i) => ((i % columns) * 50 + Math.floor(i / columns) * 7) % 4096,
  );
  const bytes = writeDicom({
    transferSyntax: '1.2.840.10008.1.2.1',
    elements: [
      el(0x00080016, 'UI', '1.2.840.10008.5.1.4.1.1.1'),
      el(0x00080018, 'UI', sopUid),
      el(0x00080020, 'DA', '20240102'),
      el(0x00080030, 'TM', '101500'),
      el(0x00080050, 'SH', 'ACC77310942'),
      el(0x00080080, 'LO', 'Saint Wolfram Vestibury Infirmary'),
      el(0x00080081, 'ST', '17 Larkspur Terrace, Dunmerrow'),
      el(0x00080090, 'PN', 'Oyelaran^Temperance^^Dr'),
      el(0x00080094, 'SH', '(555) 010-4477'),
      el(0x00081010, 'SH', 'CRROOM7QX'),
      el(0x00081030, 'LO', 'Chest for Quixtabb'),
      el(0x00081040, 'LO', 'Thoracic Imaging Ashgrove Wing'),
      el(0x00081050, 'PN', 'Vasquenne^Ildefonso'),
      el(0x00081060, 'PN', 'Okonkwo-Reyes^Bartholomew'),
      el(0x00081070, 'PN', 'Brackwater^Philippa'),
      el(0x00090010, 'LO', 'ACME 1.1'),
      el(0x00091001, 'LO', 'Quixtabb Zebulon MRN84726153'),
      el(0x00100010, 'PN', 'Quixtabb^Zebulon^Marchetto'),
      el(0x00100020, 'LO', 'MRN84726153'),
      el(0x00100030, 'DA', '19560314'),
      el(0x00100040, 'CS', 'F'),
      el(0x00101000, 'LO', 'HX99120457'),
      el(0x00101002, 'SQ', [[el(0x00100020, 'LO', 'HX99120457')]]),
      el(0x00101040, 'LO', '42 Penhallow Crescent, Dunmerrow'),
      el(0x00102154, 'SH', '+44 20 7946 0958'),
      el(0x00181000, 'LO', 'SN5510293'),
      el(0x00185101, 'CS', 'PA'),
      el(0x0020000d, 'UI', studyUid),
      el(0x0020000e, 'UI', `${studyUid}.1`),
      el(0x00200010, 'SH', 'ST4471'),
      el(0x00204000, 'LT', 'Patient Zebulon Quixtabb, call +44 20 7946 0958'),
      el(0x00280301, 'CS', burnedIn),
      el(0x00400275, 'SQ', [[el(0x00401001, 'SH', 'RQ5531907')]]),
      ...imageElements({ rows, columns, bitsStored: 12 }),
    ],
    pixelData: { native: new Uint8Array(pixels.buffer) },
  });
  return { bytes, sopUid };
}

/** What readers typed, with the planted identifiers in mixed case and odd spacing. */
const TYPED = {
  draftReport:
    'Findings: ZEBULON  quixtabb (mrn 84726153) has a left pleural effusion. Cardiomegaly. Seen 2024-01-02.',
  finalReport:
    'Patient quixtabb ,  Zebulon Marchetto, MRN84726153 / HX-99120457, born 14/03/1956 (March 14, 1956), seen ' +
    '02.01.2024 at SAINT WOLFRAM  VESTIBURY infirmary, 17 Larkspur terrace. Referred by temperance OYELARAN, ' +
    'tel (555) 010-4477. Performed by Vasquenne Ildefonso, radiographer brackwater philippa, read by ' +
    'Okonkwo-Reyes Bartholomew at thoracic imaging ashgrove wing. Patient phone +44 20 7946 0958 or 020 7946 0958, ' +
    'home 42 penhallow  crescent. Accession acc 77310942, station CRROOM7QX, study ST 4471, device SN5510293, ' +
    'request RQ5531907, uid 1.2.826.0.1.3680043.10.1432.424242.1, mail zebulon.quixtabb@example.org. ' +
    'Left pleural effusion.',
  impression: 'Effusion. Tell Dr. Okonkwo-Reyes and Mr  QUIXTABB on 3 Jan 2024.',
  finding: 'Left pleural effusion in Mr  Quixtabb (dob 19560314).',
  exclusion: 'Zebulon Quixtabb (MRN84726153) asked to opt out, phone 07700 900123',
};

function typedRecord(): Partial<FeedbackRecord> {
  const parts = readingParts();
  const finding = { text: TYPED.finding, status: 'abnormal' as const, boxes: [BOXES.effusion] };
  return {
    draft: {
      report: TYPED.draftReport,
      findings: [{ ...finding, boxes: [BOXES.nodule] }, ...parts.draft!.findings],
    },
    final: {
      report: TYPED.finalReport,
      impression: TYPED.impression,
      findings: [finding, ...parts.final.findings],
    },
    actions: [
      {
        action: 'edited',
        draftText: TYPED.finding,
        finalText: `${TYPED.finding} Call Temperance.`,
        draftBoxes: [BOXES.nodule],
        finalBoxes: [BOXES.effusion],
        boxIou: 0,
        boxesChanged: true,
      },
      ...parts.actions,
    ],
  };
}

const PLANTED = [
  'Quixtabb',
  'Zebulon',
  'Marchetto',
  'MRN84726153',
  '84726153',
  'HX99120457',
  'ACC77310942',
  '77310942',
  '19560314',
  '14031956',
  '20240102',
  '02012024',
  'Saint Wolfram Vestibury Infirmary',
  'Wolfram Vestibury',
  '17 Larkspur Terrace',
  'Larkspur Terrace',
  'Thoracic Imaging Ashgrove Wing',
  'Ashgrove Wing',
  'Oyelaran',
  'Temperance',
  '5550104477',
  'Vasquenne',
  'Ildefonso',
  'Okonkwo',
  'Reyes',
  'Bartholomew',
  'Brackwater',
  'Philippa',
  '442079460958',
  '79460958',
  '07700900123',
  'Penhallow Crescent',
  'CRROOM7QX',
  'ST4471',
  'SN5510293',
  'RQ5531907',
  STUDY_UID,
];

const normalize = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('planted identifiers', () => {
  it('appear in no byte of any export format', async () => {
    const dir = tempDir();
    const library = openLibrary(dir);
    libraries.push(library);
    const clean = plantedFile(1, 'NO');
    const burned = plantedFile(2, 'YES');
    const first = await importFile(library, join(dir, 'a.dcm'), clean.bytes, clean.sopUid);
    const second = await importFile(library, join(dir, 'b.dcm'), burned.bytes, burned.sopUid);
    const pinned = library.repo.instance(second.instanceId)!.sha256;
    library.feedback.confirmClean(pinned, true, 'r-0123456789abcdef', '2025-03-01T00:00:00.000Z');
    await insertRecord(library, first, typedRecord());
    await insertRecord(library, second, { ...typedRecord(), createdAt: '2025-03-03T10:00:00.000Z' });
    // A record the reader excluded, whose reason is listed in the manifest.
    const third = await importFile(
      library,
      join(dir, 'c.dcm'),
      plantedFile(3, 'NO').bytes,
      `${STUDY_UID}.3.1.1`,
    );
    await insertRecord(library, third, { ...typedRecord(), createdAt: '2025-03-04T10:00:00.000Z' });
    library.feedback.setExcluded(third.studyId, true, TYPED.exclusion);

    // The planted strings are there to be found before the export.
    const source = normalize(JSON.stringify(library.feedback.list().map((s) => s.record)));
    expect(source).toContain('quixtabb');
    expect(source).toContain('5550104477');

    for (const format of ['trl-dpo', 'trl-kto', 'verl-grpo', 'jsonl'] as const) {
      const outDir = join(dir, `out-${format}`);
      const summary = await exportFeedback(library, { outDir, format });
      expect(summary.records, format).toBe(2);
      expect(summary.rows, format).toBeGreaterThan(1);
      expect(summary.excluded, format).toHaveLength(1);
      const files = filesUnder(outDir);
      expect(files.some((f) => f.endsWith('.png'))).toBe(true);
      for (const file of files) {
        const bytes = readFileSync(file);
        const raw = bytes.toString('latin1').toLowerCase();
        const normalized = normalize(raw);
        for (const planted of PLANTED) {
          expect(raw.includes(planted.toLowerCase()), `${planted} in ${file}`).toBe(false);
          expect(normalized.includes(normalize(planted)), `${planted} (normalized) in ${file}`).toBe(false);
        }
      }
    }
  });
});
