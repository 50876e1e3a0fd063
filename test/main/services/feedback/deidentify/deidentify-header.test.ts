// The Basic profile applied to a real Part-10 file read with dcmjs: names, IDs, dates, UIDs, private
// tags, free text, institution and device identity, nested sequences.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import dcmjs from 'dcmjs';
import { describe, expect, it } from 'vitest';
import { BASIC_PROFILE } from '../../../../../src/main/services/feedback/deidentify/basic-profile';
import { deidentifyHeader } from '../../../../../src/main/services/feedback/deidentify/deidentify-header';
import { knownIdentifiers } from '../../../../../src/main/services/feedback/deidentify/known-identifiers';
import { TextMasker } from '../../../../../src/main/services/feedback/deidentify/mask-text';
import {
  readDataset,
  type JsonDataset,
} from '../../../../../src/main/services/feedback/deidentify/read-dataset';
import { replacementUid } from '../../../../../src/main/services/feedback/pseudonym';
import { imageElements, writeDicom, type DicomElement } from '../../../../helpers/dicom-writer';
import { SAMPLES } from '../../../../helpers/paths';

const SECRET = '00'.repeat(32);
const STUDY_UID = '1.2.826.0.1.3680043.10.1432.77';
const SOP_UID = `${STUDY_UID}.1.1`;
const REFERENCED_UID = `${STUDY_UID}.9.9`;
const CR = '1.2.840.10008.5.1.4.1.1.1';

const el = (tag: number, vr: string, value: DicomElement['value']): DicomElement => ({ tag, vr, value });

function plantedFile(): Uint8Array {
  return writeDicom({
    transferSyntax: '1.2.840.10008.1.2.1',
    elements: [
      el(0x00080005, 'CS', 'ISO_IR 100'),
      el(0x00080016, 'UI', CR),
      el(0x00080018, 'UI', SOP_UID),
      el(0x00080020, 'DA', '20240102'),
      el(0x00080021, 'DA', '20240102'),
      el(0x00080023, 'DA', '20240102'),
      el(0x0008002a, 'DT', '20240102101500.25+0100'),
      el(0x00080030, 'TM', '101500'),
      el(0x00080050, 'SH', 'ACC77310942'),
      el(0x00080070, 'LO', 'ACME Imaging'),
      el(0x00080080, 'LO', 'Saint Wolfram Vestibury Infirmary'),
      el(0x00080090, 'PN', 'Oyelaran^Temperance'),
      el(0x00081010, 'SH', 'CRROOM7QX'),
      el(0x00081030, 'LO', 'CHEST PA'),
      el(0x0008103e, 'LO', 'PA erect'),
      el(0x00081040, 'LO', 'Radiology'),
      el(0x00081070, 'PN', 'Brackwater^Philippa'),
      el(0x00081090, 'LO', 'Quixtabb 3000'),
      el(0x00081140, 'SQ', [[el(0x00081150, 'UI', CR), el(0x00081155, 'UI', REFERENCED_UID)]]),
      el(0x00090010, 'LO', 'ACME 1.1'),
      el(0x00091001, 'LO', 'Quixtabb Zebulon'),
      el(0x00100010, 'PN', 'Quixtabb^Zebulon^Marchetto'),
      el(0x00100020, 'LO', 'MRN84726153'),
      el(0x00100030, 'DA', '19560314'),
      el(0x00100040, 'CS', 'F'),
      el(0x00101002, 'SQ', [[el(0x00100020, 'LO', 'HX99120457'), el(0x00100021, 'LO', 'Vestibury')]]),
      el(0x00101010, 'AS', '067Y'),
      el(0x00102154, 'SH', '+44 20 7946 0958'),
      el(0x00181000, 'LO', 'SN-55102'),
      el(0x00181020, 'LO', '4.2.1'),
      el(0x00181401, 'LO', 'free text of Zebulon'),
      el(0x00185101, 'CS', 'PA'),
      el(0x0020000d, 'UI', STUDY_UID),
      el(0x0020000e, 'UI', `${STUDY_UID}.1`),
      el(0x00200010, 'SH', 'ST4471'),
      el(0x00204000, 'LT', 'Patient Quixtabb, call +44 20 7946 0958'),
      el(0x00189999, 'CS', 'KETTLEWORTH'),
      el(0x00280301, 'CS', 'NO'),
      el(0x00280030, 'DS', '0.2\\0.2'),
      el(0x00281050, 'DS', '2048\\1024'),
      el(0x00281051, 'DS', '4096\\2048'),
      el(0x00281055, 'LO', 'LUNG\\per Dr. Kettleworth'),
      el(0x00540220, 'SQ', [
        [
          el(0x00080100, 'SH', '399348003'),
          el(0x00080102, 'SH', 'SCT'),
          el(0x00080104, 'LO', 'postero-anterior'),
        ],
        [el(0x00080100, 'SH', '399348003'), el(0x00080104, 'LO', 'as Brackwater positioned it')],
      ]),
      el(0x00400275, 'SQ', [[el(0x00401001, 'SH', 'RQ5531907')]]),
      el(0x0040a027, 'LO', 'Vestibury Labs'),
      el(0x0040a075, 'PN', 'Quixtabb^Zebulon'),
      ...imageElements({ rows: 4, columns: 4 }),
      el(0x60003000, 'OW', new Uint8Array(8)),
    ],
    pixelData: { native: new Uint8Array(32) },
  });
}

function deidentify(dataset: JsonDataset, shiftDays = 10) {
  const masker = new TextMasker(knownIdentifiers(dataset));
  return deidentifyHeader(dataset, {
    secret: SECRET,
    shiftDays,
    patientPseudonym: 'patient-0011223344556677',
    masker,
  });
}

describe('deidentifyHeader', () => {
  const original = readDataset(plantedFile());
  const out = deidentify(original);

  it('reads the data set without its pixel data', () => {
    expect(original['00100010']).toMatchObject({
      vr: 'PN',
      Value: [{ Alphabetic: 'Quixtabb^Zebulon^Marchetto' }],
    });
    expect(original['7FE00010']).toBeUndefined();
  });

  it('puts the pseudonym in place of the patient, empties birth date and sex, removes the rest', () => {
    expect(out['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'patient-0011223344556677' }] });
    expect(out['00100020']).toEqual({ vr: 'LO', Value: ['patient-0011223344556677'] });
    expect(out['00100030']).toEqual({ vr: 'DA' });
    expect(out['00100040']).toEqual({ vr: 'CS' });
    for (const tag of ['00101002', '00101010', '00102154']) expect(out[tag], tag).toBeUndefined();
  });

  it('moves dates back by the shift, keeps times, removes the dates the profile removes', () => {
    expect(out['00080020']).toEqual({ vr: 'DA', Value: ['20231223'] });
    expect(out['00080023']).toEqual({ vr: 'DA', Value: ['20231223'] });
    expect(out['00080030']).toEqual({ vr: 'TM', Value: ['101500'] });
    expect(out['00080021']).toBeUndefined();
    expect(out['0008002A']).toBeUndefined();
    expect(deidentify(original, 400)['00080020']).toEqual({ vr: 'DA', Value: ['20221128'] });
    expect(out['00280303']).toEqual({ vr: 'CS', Value: ['MODIFIED'] });
  });

  it('replaces UIDs consistently, nested ones too, and keeps the standard’s own', () => {
    expect(out['0020000D']).toEqual({ vr: 'UI', Value: [replacementUid(SECRET, STUDY_UID)] });
    expect(out['00080018']).toEqual({ vr: 'UI', Value: [replacementUid(SECRET, SOP_UID)] });
    expect(out['00080016']).toEqual({ vr: 'UI', Value: [CR] });
    expect(out['00081140']).toEqual({
      vr: 'SQ',
      Value: [
        {
          '00081150': { vr: 'UI', Value: [CR] },
          '00081155': { vr: 'UI', Value: [replacementUid(SECRET, REFERENCED_UID)] },
        },
      ],
    });
    expect(deidentify(readDataset(plantedFile()))['0020000D']).toEqual(out['0020000D']);
  });

  it('removes private tags, free text, institution, device and station identity, and people', () => {
    for (const tag of [
      '00090010', // private creator
      '00091001',
      '00080080', // InstitutionName
      '00081040', // InstitutionalDepartmentName
      '00081010', // StationName
      '00181000', // DeviceSerialNumber
      '00081030', // StudyDescription
      '0008103E', // SeriesDescription
      '00204000', // ImageComments
      '00081070', // OperatorsName
      '00181401', // an unlisted free-text attribute
      '00400275', // RequestAttributesSequence
      '60003000', // overlay data
    ])
      expect(out[tag], tag).toBeUndefined();
    expect(out['00080090']).toEqual({ vr: 'PN' });
    // D: a dummy value of the VR.
    expect(out['0040A075']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'ANONYMOUS' }] });
    expect(out['0040A027']).toEqual({ vr: 'LO', Value: ['ANONYMIZED'] });
    expect(out['00080050']).toEqual({ vr: 'SH' });
    expect(out['00200010']).toEqual({ vr: 'SH' });
  });

  it('keeps equipment and image attributes unless they hold the patient’s identifiers', () => {
    expect(out['00080070']).toEqual({ vr: 'LO', Value: ['ACME Imaging'] });
    expect(out['00181020']).toEqual({ vr: 'LO', Value: ['4.2.1'] });
    expect(out['00185101']).toEqual({ vr: 'CS', Value: ['PA'] });
    expect(out['00280030']).toEqual({ vr: 'DS', Value: [0.2, 0.2] });
    expect(out['00280301']).toEqual({ vr: 'CS', Value: ['NO'] });
    // "Quixtabb 3000" is the patient's family name.
    expect(out['00081090']).toBeUndefined();
  });

  it('removes an element the dictionary does not know, and kept text that holds an identifier of any shape', () => {
    // (0018,9999) is no public element: its meaning, so its risk, is unknown.
    expect(out['00189999']).toBeUndefined();
    // A titled name in a window explanation; the operator's name in a code meaning.
    expect(out['00281055']).toBeUndefined();
    expect(out['00540220']).toEqual({
      vr: 'SQ',
      Value: [
        {
          '00080100': { vr: 'SH', Value: ['399348003'] },
          '00080102': { vr: 'SH', Value: ['SCT'] },
          '00080104': { vr: 'LO', Value: ['postero-anterior'] },
        },
        // A code value is a code: it is checked for the study's identifiers only.
        { '00080100': { vr: 'SH', Value: ['399348003'] } },
      ],
    });
    expect(out['00281050']).toEqual({ vr: 'DS', Value: [2048, 1024] });
  });

  it('says what was done', () => {
    expect(out['00120062']).toEqual({ vr: 'CS', Value: ['YES'] });
    expect(out['00120063']!.Value).toContain('lightbox-deid-2');
    expect(out['00120064']!.Value).toEqual([
      {
        '00080100': { vr: 'SH', Value: ['113100'] },
        '00080102': { vr: 'SH', Value: ['DCM'] },
        '00080104': { vr: 'LO', Value: ['Basic Application Confidentiality Profile'] },
      },
      {
        '00080100': { vr: 'SH', Value: ['113107'] },
        '00080102': { vr: 'SH', Value: ['DCM'] },
        '00080104': { vr: 'LO', Value: ['Retain Longitudinal Temporal Information Modified Dates Option'] },
      },
    ]);
  });

  it('leaves none of the planted values anywhere in the output', () => {
    const text = JSON.stringify(out).toLowerCase();
    // dcmjs keeps each value as read beside it; only the DICOM JSON model's keys leave.
    expect(text).not.toContain('_rawvalue');
    for (const planted of [
      'quixtabb',
      'zebulon',
      'marchetto',
      '84726153',
      '19560314',
      'hx99120457',
      'wolfram',
      'oyelaran',
      'brackwater',
      'crroom7qx',
      '7946',
      'st4471',
      'acc77310942',
      'sn-55102',
      'rq5531907',
      'kettleworth',
      STUDY_UID,
    ])
      expect(text, planted).not.toContain(planted);
  });

  it('reads and de-identifies the sample radiographs (implicit VR, no Part-10 header wrapped)', () => {
    for (const name of ['nih-cxr14-google_DX_implicitLE.dcm', 'siim-acr_nih_CR_jpegbaseline.dcm']) {
      const dataset = readDataset(readFileSync(join(SAMPLES, 'cxr', name)));
      const result = deidentify(dataset);
      expect(result['00120062']).toEqual({ vr: 'CS', Value: ['YES'] });
      expect(Object.keys(result).every((tag) => parseInt(tag.slice(0, 4), 16) % 2 === 0)).toBe(true);
    }
  });
});

describe('the Basic profile table', () => {
  const dictionary = (
    dcmjs as unknown as { data: { DicomMetaDictionary: { dictionary: Record<string, { name: string }> } } }
  ).data.DicomMetaDictionary.dictionary;
  const name = (tag: string) => dictionary[`(${tag.slice(0, 4)},${tag.slice(4)})`]?.name;

  it('lists the profile’s attributes with valid actions', () => {
    expect(BASIC_PROFILE.size).toBeGreaterThan(450);
    for (const [tag, action] of BASIC_PROFILE) {
      expect(tag).toMatch(/^[0-9A-F]{8}$/);
      expect(['X', 'Z', 'D', 'U', 'K*']).toContain(action);
    }
    const byName = new Map([...BASIC_PROFILE].map(([tag, action]) => [name(tag), action]));
    expect(byName.get('PatientName')).toBe('Z');
    expect(byName.get('PatientID')).toBe('Z');
    expect(byName.get('StudyInstanceUID')).toBe('U');
    expect(byName.get('InstitutionName')).toBe('X');
    expect(byName.get('OtherPatientIDsSequence')).toBe('X');
    expect(byName.get('ReferencedImageSequence')).toBe('K*');
  });
});
