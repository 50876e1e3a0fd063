// Identifiers planted in DICOM headers and typed by readers into every text field must leave no trace
// in any byte of any export: walked file by file (JSONL, Parquet with uncompressed pages, PNG, manifest),
// compared case-insensitively with spacing and punctuation ignored, each name part on its own too.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { afterEach, describe, expect, it } from 'vitest';
import type { FeedbackRecord } from '../../../../../src/shared/feedback';
import { Field, RECORD_RULES } from '../../../../../src/main/services/feedback/deidentify/exported-record';
import { DATA_FILES, exportFeedback } from '../../../../../src/main/services/feedback/export/export-feedback';
import { LABELS } from '../../../../../src/main/services/feedback/quality/finding-labels';
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
      // UTF-8, for the accented names.
      el(0x00080005, 'CS', 'ISO_IR 192'),
      el(0x00080016, 'UI', '1.2.840.10008.5.1.4.1.1.1'),
      el(0x00080018, 'UI', sopUid),
      el(0x00080020, 'DA', '20240102'),
      el(0x00080030, 'TM', '101500'),
      el(0x00080050, 'SH', 'ACC77310942'),
      // A name inside kept equipment attributes: the operator's, and one of the patient's other names.
      el(0x00080070, 'LO', 'Brackwater Medical'),
      el(0x00080080, 'LO', 'Saint Wolfram Vestibury Infirmary'),
      el(0x00080081, 'ST', '17 Larkspur Terrace, Dunmerrow'),
      el(0x00080090, 'PN', 'Oyelaran^Temperance^^Dr'),
      el(0x00080094, 'SH', '(555) 010-4477'),
      el(0x00081010, 'SH', 'CRROOM7QX'),
      el(0x00081030, 'LO', 'Chest for Quixtabb'),
      el(0x00081040, 'LO', 'Thoracic Imaging Ashgrove Wing'),
      el(0x00081050, 'PN', 'Vasquenne^Ildefonso'),
      el(0x00081060, 'PN', 'Okonkwo-Reyes^Bartholomew'),
      el(0x00081048, 'PN', 'Müller^José'),
      el(0x00081070, 'PN', 'Brackwater^Philippa'),
      el(0x00081090, 'LO', 'Hallowmere 3000'),
      el(0x00090010, 'LO', 'ACME 1.1'),
      el(0x00091001, 'LO', 'Quixtabb Zebulon MRN84726153'),
      // Private text, and private bytes of no VR (UN) that are a name.
      el(0x00091002, 'LO', 'Tamsinette Ringfold'),
      el(0x00091003, 'UN', new TextEncoder().encode('Dunwiddie^Percivale')),
      el(0x00100010, 'PN', 'Quixtabb^Zebulon^Marchetto'),
      el(0x00100020, 'LO', 'MRN84726153'),
      el(0x00100030, 'DA', '19560314'),
      el(0x00100040, 'CS', 'F'),
      el(0x00101000, 'LO', 'HX99120457'),
      // Other names (multi-valued), birth name, mother's birth name.
      el(0x00101001, 'PN', 'Hallowmere^Winifreda\\Brisbolt^Ottilie'),
      el(0x00101002, 'SQ', [[el(0x00100020, 'LO', 'HX99120457')]]),
      el(0x00101005, 'PN', 'Fenwrightly^Maudine'),
      el(0x00101040, 'LO', '42 Penhallow Crescent, Dunmerrow'),
      el(0x00101060, 'PN', 'Corvasse^Elspetha'),
      el(0x00102154, 'SH', '+44 20 7946 0958'),
      // A nickname and a relative, only here.
      el(0x00104000, 'LT', 'Known as "Zibbleton"; daughter Ottoline Pemberlake.'),
      el(0x00181000, 'LO', 'SN5510293'),
      el(0x00185101, 'CS', 'PA'),
      // Public elements the dictionary does not know: a CS, and bytes of no VR.
      el(0x00189999, 'CS', 'KETTLEWORTHY'),
      el(0x00189998, 'UN', new TextEncoder().encode('Gravensholt Aurelio')),
      el(0x0020000d, 'UI', studyUid),
      el(0x0020000e, 'UI', `${studyUid}.1`),
      el(0x00200010, 'SH', 'ST4471'),
      el(0x00204000, 'LT', 'Patient Zebulon Quixtabb, call +44 20 7946 0958'),
      el(0x00280301, 'CS', burnedIn),
      // The window and LUT explanations the rendition records, multi-valued, with names in them.
      el(0x00281050, 'DS', '2048\\1024'),
      el(0x00281051, 'DS', '4096\\2048'),
      el(0x00281055, 'LO', 'Quixtabb window\\Marchetto'),
      el(0x00283000, 'SQ', [
        [
          el(0x00283002, 'US', [4096, 0, 12]),
          el(0x00283003, 'LO', 'LUT of Ottoline Pemberlake'),
          el(
            0x00283006,
            'OW',
            Uint16Array.from({ length: 4096 }, (_, i) => i),
          ),
        ],
      ]),
      el(0x00321032, 'PN', 'Søndergaard^Åsa'),
      el(0x00400275, 'SQ', [[el(0x00401001, 'SH', 'RQ5531907')]]),
      el(0x00540220, 'SQ', [
        [
          el(0x00080100, 'SH', '399348003'),
          el(0x00080102, 'SH', 'SCT'),
          el(0x00080104, 'LO', 'postero-anterior as Fenwrightly asked'),
        ],
      ]),
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
    'Also known as Zibbleton, daughter ottoline PEMBERLAKE, née Fenwrightly Maudine, mother Elspetha ' +
    'Corvasse, other names Winifreda Hallowmere and Ottilie Brisbolt, friend Tamsinette Ringfold, ' +
    'Percivale Dunwiddie, Aurelio Gravensholt, Kettleworthy. Physician José Mueller (JOSE MÜLLER), ' +
    'requested by Asa Soendergaard (Søndergaard, Sondergaard). Born 14 March, March 14th, 14-III-1956, am 14. März 1956, ' +
    'le 14 mars, el 14 de marzo de 1956, il 14 marzo, birthday 14/03 or 14.03. Left pleural effusion.',
  impression: 'Effusion. Tell Dr. Okonkwo-Reyes and Mr  QUIXTABB on 3 Jan 2024, and Zibbleton on 2.I.2024.',
  finding: 'Left pleural effusion in Mr  Quixtabb (dob 19560314), seen by Hallowmere.',
  exclusion: 'Zebulon Quixtabb (MRN84726153, born 14-iii-1956) asked to opt out, phone 07700 900123',
};

function typedRecord(): Partial<FeedbackRecord> {
  const parts = readingParts();
  const finding = { text: TYPED.finding, status: 'abnormal' as const, boxes: [BOXES.effusion] };
  return {
    provider: { provider: 'cpu', requested: 'cuda', fallbackReason: 'CUDA is not available on this machine' },
    decoding: {
      maxNewTokens: 512,
      groundingMaxNewTokens: 96,
      sampling: { temperature: 0.7, topP: 0.9, seed: 7 },
      coordinates: 'median',
    },
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
  'Zibbleton',
  'Ottoline',
  'Pemberlake',
  'Fenwrightly',
  'Maudine',
  'Corvasse',
  'Elspetha',
  'Hallowmere',
  'Winifreda',
  'Brisbolt',
  'Ottilie',
  'Tamsinette',
  'Ringfold',
  'Dunwiddie',
  'Percivale',
  'Gravensholt',
  'Aurelio',
  'Kettleworthy',
  'Muller',
  'Mueller',
  'Müller',
  'José',
  'Sondergaard',
  'Soendergaard',
  'Søndergaard',
  '14 March',
  'March 14',
  '14-III',
  '14iii1956',
  '14. März',
  '14 mars',
  '14 de marzo',
  '14 marzo',
  '2.I.2024',
];

/** Forms whose punctuation is what makes them dates: searched as written only. */
const PLANTED_AS_WRITTEN = ['14/03', '14.03'];

/** Lower case, accents off, letters and digits only: "José  MÜLLER" and "jose-muller" read alike. */
const normalize = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const FORMATS = ['trl-dpo', 'trl-kto', 'verl-grpo', 'jsonl'] as const;
type Format = (typeof FORMATS)[number];

/** Three planted studies (one burned in but confirmed clean, one excluded by its reader), exported in every format. */
async function exportPlanted(): Promise<{ source: string; outDirs: Record<Format, string> }> {
  const dir = tempDir();
  const library = openLibrary(dir);
  libraries.push(library);
  const files = [plantedFile(1, 'NO'), plantedFile(2, 'YES'), plantedFile(3, 'NO')];
  const images = [];
  for (const [i, file] of files.entries())
    images.push(await importFile(library, join(dir, `${i}.dcm`), file.bytes, file.sopUid));
  library.feedback.confirmClean(
    library.repo.instance(images[1]!.instanceId)!.sha256,
    true,
    'r-0123456789abcdef',
    '2025-03-01T00:00:00.000Z',
  );
  for (const [i, image] of images.entries())
    await insertRecord(library, image, { ...typedRecord(), createdAt: `2025-03-0${i + 2}T10:00:00.000Z` });
  library.feedback.setExcluded(images[2]!.studyId, true, TYPED.exclusion);

  const records = library.feedback.list().map((s) => s.record);
  // The rendition carries the header's explanations, as the pipeline recorded them.
  expect(records[0]!.image.rendition).toMatchObject({
    voi: { explanation: 'Quixtabb window' },
    modalityLut: { kind: 'lut', explanation: 'LUT of Ottoline Pemberlake' },
  });
  const source = JSON.stringify(records) + files.map((f) => Buffer.from(f.bytes).toString('utf8')).join('');
  const outDirs = {} as Record<Format, string>;
  for (const format of FORMATS) {
    outDirs[format] = join(dir, `out-${format}`);
    const summary = await exportFeedback(library, { outDir: outDirs[format], format });
    expect(summary.records, format).toBe(2);
    expect(summary.rows, format).toBeGreaterThan(1);
    expect(summary.excluded, format).toHaveLength(1);
  }
  return { source, outDirs };
}

const parquetRows = async (path: string): Promise<Record<string, unknown>[]> => {
  const bytes = readFileSync(path);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return (await parquetReadObjects({ file, utf8: false })) as Record<string, unknown>[];
};

/** Every leaf of a value with its path, array indices written as []. */
function leaves(value: unknown, path: string, out: [string, unknown][] = []): [string, unknown][] {
  if (Array.isArray(value)) for (const item of value) leaves(item, `${path}[]`, out);
  else if (value instanceof Uint8Array || value === null || typeof value !== 'object')
    out.push([path, value]);
  else for (const [key, item] of Object.entries(value)) leaves(item, path ? `${path}.${key}` : key, out);
  return out;
}

describe('planted identifiers', () => {
  it('appear in no byte of any export format', async () => {
    const { source, outDirs } = await exportPlanted();
    // The planted strings are there to be found before the export.
    for (const planted of PLANTED) expect(normalize(source), planted).toContain(normalize(planted));
    for (const planted of PLANTED_AS_WRITTEN) expect(source, planted).toContain(planted);

    for (const format of FORMATS) {
      const files = filesUnder(outDirs[format]);
      expect(files.some((f) => f.endsWith('.png'))).toBe(true);
      for (const file of files) {
        const bytes = readFileSync(file);
        // Bytes as latin1 (binary) and as UTF-8 (text), and the Parquet file's strings decoded.
        const texts = [bytes.toString('latin1'), bytes.toString('utf8')];
        if (file.endsWith('.parquet'))
          texts.push(
            leaves(await parquetRows(file), '')
              .flatMap(([, v]) => (typeof v === 'string' ? [v] : []))
              .join('\n'),
          );
        for (const text of texts) {
          const lower = text.toLowerCase();
          const normalized = normalize(text);
          for (const planted of PLANTED) {
            expect(lower.includes(planted.toLowerCase()), `${planted} in ${file}`).toBe(false);
            expect(normalized.includes(normalize(planted)), `${planted} (normalized) in ${file}`).toBe(false);
          }
          for (const planted of PLANTED_AS_WRITTEN)
            expect(text.includes(planted), `${planted} in ${file}`).toBe(false);
        }
      }
    }
  });

  it('every field of every format is classified, and each value is what its class allows', async () => {
    const { outDirs } = await exportPlanted();
    const jsonl = readJsonl(join(outDirs.jsonl, DATA_FILES.jsonl));
    const checked = new Set<string>();
    // The record's fields, as exported-record.ts classifies them; `images` and the header beside them.
    for (const row of jsonl) {
      expect((row.dicom as Record<string, unknown>)['00120062']).toEqual({ vr: 'CS', Value: ['YES'] });
      for (const [path, value] of leaves(row, '')) {
        checked.add(path);
        if (path.startsWith('dicom.')) continue;
        if (path === 'images[]') {
          expect(value).toMatch(IMAGE_PATH);
          continue;
        }
        const field = recordRules(path);
        expect(field, `${path} has no rule`).toBeDefined();
        if (value === null) continue;
        if (!(field instanceof Field)) throw new Error(`${path} is a leaf without a leaf's rule`);
        expect(typeof value, path).toBe(field.type);
        if (field.string?.kind === 'pattern') expect(value, path).toMatch(field.string.pattern);
      }
    }
    expect(checked).toContain('image.rendition.voi.center');

    // Every word of the training rows' text is a word of the exported records or of the layout's own wording.
    const words = new Set([
      ...wordsOf(JSON.stringify(jsonl)),
      ...wordsOf(LAYOUT_WORDS),
      ...wordsOf(LABELS.join(' ')),
    ]);
    const layouts: [Format | 'manifest', Record<string, unknown>[]][] = [
      ['trl-dpo', readJsonl(join(outDirs['trl-dpo'], DATA_FILES['trl-dpo']))],
      ['trl-kto', readJsonl(join(outDirs['trl-kto'], DATA_FILES['trl-kto']))],
      ['verl-grpo', await parquetRows(join(outDirs['verl-grpo'], DATA_FILES['verl-grpo']))],
      ...FORMATS.map((f): ['manifest', Record<string, unknown>[]] => [
        'manifest',
        [JSON.parse(readFileSync(join(outDirs[f], 'manifest.json'), 'utf8')) as Record<string, unknown>],
      ]),
    ];
    for (const [layout, rows] of layouts) {
      expect(rows.length, layout).toBeGreaterThan(0);
      for (const row of rows)
        for (const [path, value] of leaves(row, '')) {
          const rule = LAYOUT_FIELDS[layout][path];
          expect(rule, `${layout}: ${path} is not classified`).toBeDefined();
          if (rule === 'record text')
            for (const word of wordsOf(value as string))
              expect(words.has(word), `${layout}: "${word}" of ${path} is no exported word`).toBe(true);
          else if (rule instanceof RegExp) expect(String(value), `${layout}: ${path}`).toMatch(rule);
          else if (Array.isArray(rule)) expect(rule, `${layout}: ${path}`).toContain(value);
          else expect(typeof value, `${layout}: ${path}`).toBe(rule);
        }
    }
  });
});

const readJsonl = (path: string): Record<string, unknown>[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** The rules exported-record.ts gives a field, by its path with [] for array items. */
function recordRules(path: string): unknown {
  let rules: unknown = RECORD_RULES;
  for (const token of path.match(/[^.[\]]+|\[\]/g) ?? []) {
    if (rules instanceof Field || rules === undefined) return undefined;
    if (token === '[]') rules = Array.isArray(rules) ? rules[0] : undefined;
    else
      rules = Object.hasOwn(rules as object, token) ? (rules as Record<string, unknown>)[token] : undefined;
  }
  return rules;
}

const wordsOf = (text: string): string[] =>
  [
    ...text
      .normalize('NFKD')
      .toLowerCase()
      .matchAll(/[\p{L}\p{N}]+/gu),
  ].map(([w]) => w);

/** The rows' own wording: the grounding answer's frame and verl's image marker. */
const LAYOUT_WORDS = 'The is located at the coordinates on the image and <image>';
const IMAGE_PATH = /^images\/[0-9a-f]{16}\.png$/;
const HEX16 = /^[0-9a-f]{16}$/;

/**
 * Where each field of the training layouts and the manifest comes from: 'record text' (built from the
 * exported record's text: every word must be one of its words), a pattern, the values a constant takes,
 * or a type (numbers, booleans, the PNG bytes).
 */
type FieldClass = 'record text' | RegExp | readonly unknown[] | 'number' | 'boolean' | 'bigint' | 'object';
const turns = (name: string): Record<string, FieldClass> => ({
  [`${name}[].role`]: [name === 'prompt' ? 'user' : 'assistant'],
  [`${name}[].content[].type`]: ['image', 'text'],
  [`${name}[].content[].text`]: 'record text',
});
const LAYOUT_FIELDS: Record<Format | 'manifest', Record<string, FieldClass>> = {
  'trl-dpo': { ...turns('prompt'), ...turns('chosen'), ...turns('rejected'), 'images[]': IMAGE_PATH },
  'trl-kto': { ...turns('prompt'), ...turns('completion'), label: 'boolean', 'images[]': IMAGE_PATH },
  'verl-grpo': {
    data_source: ['lightbox'],
    'prompt[].role': ['user'],
    'prompt[].content': 'record text',
    'images[].bytes': 'object',
    ability: ['radiology-report', 'phrase-grounding'],
    'reward_model.style': ['rule'],
    'reward_model.ground_truth': 'record text',
    'extra_info.index': 'bigint',
    'extra_info.record_id': HEX16,
    'extra_info.task': ['report-generation', 'phrase-grounding'],
    'extra_info.split': ['train'],
  },
  jsonl: {},
  manifest: {
    format: [...FORMATS],
    createdAt: /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/,
    'tool.name': ['lightbox'],
    'tool.version': /^\d+\.\d+\.\d+/,
    'filters.since': [null],
    'filters.modelId': [null],
    ...Object.fromEntries(
      ['records', 'exported', 'withoutRows', 'rows', 'images', 'excluded'].map((k) => [
        `counts.${k}`,
        'number',
      ]),
    ),
    'excluded[].recordId': HEX16,
    // Lightbox's own sentences, a reader's reason masked (the planted test searches it).
    'excluded[].reason': /^excluded from training by a reader: |^the image /,
    'deidentification.profile': /^DICOM PS3\.15 Annex E/,
    'deidentification.options[]': /Option$/,
    'deidentification.version': /^lightbox-deid-\d+$/,
    'deidentification.text': /^free text masked/,
    'deidentification.dates': /^every date moved back/,
    'deidentification.images': /^model-input rendition/,
    'files[].path': new RegExp(
      `^(?:${Object.values(DATA_FILES).join('|').replaceAll('.', '\\.')}|images/[0-9a-f]{16}\\.png)$`,
    ),
    'files[].bytes': 'number',
    'files[].sha256': /^[0-9a-f]{64}$/,
  },
};
