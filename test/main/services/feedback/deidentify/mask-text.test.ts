// Masking what readers type: the study's own identifiers however they are spaced, punctuated or cased,
// and identifiers of anyone by their shape; clinical text stays as it was.
import { describe, expect, it } from 'vitest';
import { knownIdentifiers } from '../../../../../src/main/services/feedback/deidentify/known-identifiers';
import { TextMasker } from '../../../../../src/main/services/feedback/deidentify/mask-text';
import type { JsonDataset } from '../../../../../src/main/services/feedback/deidentify/read-dataset';

const header: JsonDataset = {
  '00080050': { vr: 'SH', Value: ['ACC77310942'] },
  '00080080': { vr: 'LO', Value: ['Saint Wolfram Vestibury Infirmary'] },
  '00080090': { vr: 'PN', Value: [{ Alphabetic: 'Oyelaran^Temperance^^Dr' }] },
  '00080094': { vr: 'SH', Value: ['(555) 010-4477'] },
  '00081010': { vr: 'SH', Value: ['CRROOM7QX'] },
  '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Quixtabb-Lee^Zebulon^Marchetto' }] },
  '00100020': { vr: 'LO', Value: ['MRN84726153'] },
  '00100030': { vr: 'DA', Value: ['19560304'] },
  '00101002': { vr: 'SQ', Value: [{ '00100020': { vr: 'LO', Value: ['HX99120457'] } }] },
  '00101040': { vr: 'LO', Value: ['42 Penhallow Crescent, Dunmerrow'] },
  '00200010': { vr: 'SH', Value: ['1'] },
};
const masker = new TextMasker(knownIdentifiers(header));

describe('knownIdentifiers', () => {
  it('takes names part by part, IDs, places with their distinctive words, phones and the birth date', () => {
    const texts = knownIdentifiers(header).map((i) => `${i.kind}:${i.text}`);
    expect(texts).toEqual(
      expect.arrayContaining([
        'NAME:Quixtabb-Lee',
        'NAME:Quixtabb',
        'NAME:Lee',
        'NAME:Zebulon',
        'NAME:Marchetto',
        'NAME:Oyelaran',
        'NAME:Temperance',
        'ID:MRN84726153',
        'ID:HX99120457',
        'ID:ACC77310942',
        'PLACE:Saint Wolfram Vestibury Infirmary',
        'PLACE:Wolfram Vestibury',
        'PLACE:Penhallow Crescent',
        'PLACE:42 Penhallow',
        'PLACE:CRROOM7QX',
        'PHONE:(555) 010-4477',
        'DATE:19560304',
        'DATE:04031956',
        'DATE:431956',
      ]),
    );
    // A title is not a name, a one-digit study ID not an identifier, a single word not a place.
    expect(texts).not.toContain('NAME:Dr');
    expect(texts).not.toContain('ID:1');
    expect(texts).not.toContain('PLACE:Vestibury');
    expect(texts).not.toContain('PLACE:Saint Infirmary');
  });

  it('collects identifiers from every element the profile removes or replaces, before it removes them', () => {
    const removed = knownIdentifiers({
      ...header,
      // A nickname written into the name, other names (multi-valued), birth names, the person responsible.
      '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Quixtabb^Zebulon^"Zebby"' }] },
      '00101001': { vr: 'PN', Value: [{ Alphabetic: 'Hale^Winifred' }, { Alphabetic: 'Zeb' }] },
      '00101005': { vr: 'PN', Value: [{ Alphabetic: 'Brixworth^Ottilie' }] },
      '00101060': { vr: 'PN', Value: [{ Alphabetic: 'Fenwright^Maud' }] },
      '00104000': {
        vr: 'LT',
        Value: ['Goes by "Ziggy"; daughter Ottoline Hale-Pemberton, HX 99120457. CHEST PA ERECT, COPD.'],
      },
      '00081030': { vr: 'LO', Value: ['XR CHEST PA AND LATERAL'] },
      // A private tag, its creator, and an element read without its VR (UN): bytes that are text.
      '00090010': { vr: 'LO', Value: ['ACME 1.1'] },
      '00091001': { vr: 'LO', Value: ['Ringfold Tamsin'] },
      '00091002': { vr: 'UN', Value: [new TextEncoder().encode('Dunwiddie^Percival').buffer] },
      // An element the dictionary does not know.
      '00189999': { vr: 'CS', Value: ['KETTLEWORTH'] },
    });
    const typed = new TextMasker(removed);
    expect(
      typed.mask(
        'Zebby and Ziggy, Winifred and Zeb, ottilie brixworth, Maud Fenwright, Ottoline hale-pemberton, ' +
          'TAMSIN RINGFOLD, Percival Dunwiddie, Dr Kettleworth. Chest PA erect, lateral view; COPD; ACME cassette.',
      ),
    ).toBe(
      '[NAME] and [NAME], [NAME] and [NAME], [NAME] [NAME], [NAME] [NAME], [NAME] [NAME], ' +
        '[NAME] [NAME], [NAME] [NAME], Dr [NAME]. Chest PA erect, lateral view; COPD; ACME cassette.',
    );
    expect(typed.mask('other id HX-99120457')).toBe('other id [ID]');
  });
});

describe('TextMasker', () => {
  it.each([
    ['Patient QUIXTABB,  zebulon seen.', 'Patient [NAME],  [NAME] seen.'],
    ['quixtabb - lee and Z E B U L O N', '[NAME] and [NAME]'],
    ['MRN 8472-6153 and mrn84726153', '[ID] and [ID]'],
    ['other id hx 99120457, acc: ACC-77310942', 'other id [ID], acc: [ID]'],
    ['seen at saint  wolfram vestibury   infirmary', 'seen at [PLACE]'],
    ['the wolfram-Vestibury annexe, 42 Penhallow Crescent', 'the [PLACE] annexe, [PLACE]'],
    ['station crroom7qx', 'station [PLACE]'],
    ['dob 4/3/1956, 04.03.1956 or 1956-03-04', 'dob [DATE], [DATE] or [DATE]'],
  ])('masks the study’s own identifiers: %s', (text, masked) => {
    expect(masker.mask(text)).toBe(masked);
  });

  it.each([
    ['Discussed with Dr. Jane Smith and Mr Brown.', 'Discussed with [NAME] and [NAME].'],
    ['d/w dr jones; Prof. A. B. Carter agreed; Miss Patel', 'd/w [NAME]; [NAME] agreed; [NAME]'],
    [
      'Compared with 12/01/2023, 2023-01-12, 12 Jan 2023, January 12, 2023 and March 2023.',
      'Compared with [DATE], [DATE], [DATE], [DATE] and [DATE].',
    ],
    [
      'Call +44 20 7946 0958 or (555) 010-4477 or 0161-496-0000 or 07700 900123.',
      'Call [PHONE] or [PHONE] or [PHONE] or [PHONE].',
    ],
    ['Mail j.smith@example.org now', 'Mail [EMAIL] now'],
    ['MRN 99887766, A-123456, 12345678X, uid 1.2.840.113619.2.55', 'MRN [ID], [ID], [ID], uid [ID]'],
    ['Study of 20230112.', 'Study of [DATE].'],
  ])('masks identifiers by their shape: %s', (text, masked) => {
    expect(masker.mask(text)).toBe(masked);
  });

  it.each([
    ['Seen by José Müller, JOSE MUELLER and müller', 'Seen by [NAME] [NAME], [NAME] [NAME] and [NAME]'],
    ['Søren Kræmer, Soeren Kraemer, Soren Kramer', '[NAME] [NAME], [NAME] [NAME], [NAME] [NAME]'],
    ['Åse Strauß, Aase Strauss, Ase Straus', '[NAME] [NAME], [NAME] [NAME], [NAME] [NAME]'],
    ['Zoë Łukasz, ZOE LUKASZ', '[NAME] [NAME], [NAME] [NAME]'],
  ])('masks the study’s names however they are accented or transliterated: %s', (text, masked) => {
    const accented = new TextMasker(
      knownIdentifiers({
        '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Muller^Jose' }] },
        '00101001': { vr: 'PN', Value: [{ Alphabetic: 'Sören^Kraemer' }, { Alphabetic: 'Strauss^Aase' }] },
        '00081050': { vr: 'PN', Value: [{ Alphabetic: 'Lukasz^Zoe' }] },
      }),
    );
    expect(accented.mask(text)).toBe(masked);
  });

  it.each([
    ['born 22 July, on July 22nd or the 22nd of July', 'born [DATE], on [DATE] or the [DATE]'],
    [
      'geboren am 22. Juli 1961, am 22. Juli, am 3. März, 14. Maerz 1956',
      'geboren am [DATE], am [DATE], am [DATE], [DATE]',
    ],
    ['né le 22 juillet 1961, le 1er août, le 3 décembre', 'né le [DATE], le [DATE], le [DATE]'],
    ['nacido el 22 de julio de 1961, el 22 de julio', 'nacido el [DATE], el [DATE]'],
    ['nato il 22 luglio 1961, il 3 dicembre', 'nato il [DATE], il [DATE]'],
    ['geboren 22 juli 1961, op 5 maart', 'geboren [DATE], op [DATE]'],
    ['nascido em 22 de julho de 1961, em 1º de março', 'nascido em [DATE], em [DATE]'],
    [
      '22-VII-1961, 22.VII.1961, 22/vii/61, 22 VII 1961, born 22.VII. and 3-XI',
      '[DATE], [DATE], [DATE], [DATE], born [DATE] and [DATE]',
    ],
    ['May 22nd, 22 May, 3 Mai', '[DATE], [DATE], [DATE]'],
  ])('masks dates with month names or Roman numerals, with or without a year: %s', (text, masked) => {
    expect(masker.mask(text)).toBe(masked);
  });

  it('masks the patient’s own birthday written without a year', () => {
    expect(masker.mask('birthday 04.03, 04/03 and 03/04')).toBe('birthday [DATE], [DATE] and [DATE]');
  });

  it('leaves clinical text alone', () => {
    const report =
      'Small left pleural effusion measuring 3.5 x 2.1 cm. ETT tip 4 cm above the carina at T4-5. ' +
      'MS and DR noted. Heart size normal (CTR 0.45). No pneumothorax. 2 nodules of 8 mm and 12 mm. ' +
      'Unchanged from the prior study 3 days ago. Grade 2 may be seen in 2 out of 3 mag views, 1 set ' +
      'lateral. Nodules 3 X 2 cm and 1/3 of the lung, leads V1-V6, 3-X-ray. Dr';
    expect(masker.mask(report)).toBe(report);
  });

  it('tells whether a value holds one of the study’s identifiers', () => {
    expect(masker.holdsKnownIdentifier('Quixtabb 3000')).toBe(true);
    expect(masker.holdsKnownIdentifier('ACME Imaging')).toBe(false);
    expect(masker.holdsKnownIdentifier('Quixtabbs 3000')).toBe(false);
  });
});
