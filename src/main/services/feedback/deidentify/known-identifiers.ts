// The study's own identifiers, taken from its header, so that the text masker can find them where a
// reader typed them into a report: every person name (each name part on its own too), IDs, the places
// (whole, or runs of their words) and contact numbers of the header, its dates and the birth date in the
// orders people write dates in; and from every other element the profile removes, empties or replaces
// (comments, descriptions, private tags, elements of unknown VR read as bytes), the words that look
// like names and the runs of digits that look like IDs, since that text goes and a reader may have
// copied it.
import { isCommonWord } from './common-words';
import { keepsValue } from './deidentify-header';
import { elementStrings, type JsonDataset, type JsonElement } from './read-dataset';

export type IdentifierKind = 'NAME' | 'ID' | 'PLACE' | 'PHONE' | 'DATE';
export type KnownIdentifier = { text: string; kind: IdentifierKind };

const ID_TAGS = new Set([
  '00100020', // PatientID
  '00100021', // IssuerOfPatientID
  '00101000', // OtherPatientIDs
  '00101090', // MedicalRecordLocator
  '00101050', // InsurancePlanIdentification
  '00080050', // AccessionNumber
  '00200010', // StudyID
  '00380010', // AdmissionID
  '00380060', // ServiceEpisodeID
  '00401001', // RequestedProcedureID
  '00400253', // PerformedProcedureStepID
  '00400009', // ScheduledProcedureStepID
  '00402016', // PlacerOrderNumberImagingServiceRequest
  '00402017', // FillerOrderNumberImagingServiceRequest
  '00120040', // ClinicalTrialSubjectID
  '00120042', // ClinicalTrialSubjectReadingID
  '00181000', // DeviceSerialNumber
  '00181004', // PlateID
  '00181005', // GeneratorID
  '00181007', // CassetteID
  '00181008', // GantryID
  '00181009', // UniqueDeviceIdentifier
  '0018700A', // DetectorID
  '00400512', // ContainerIdentifier
  '00400551', // SpecimenIdentifier
]);

const PLACE_TAGS = new Set([
  '00080080', // InstitutionName
  '00080081', // InstitutionAddress
  '00081040', // InstitutionalDepartmentName
  '00081010', // StationName
  '00080054', // RetrieveAETitle
  '00080055', // StationAETitle
  '00101040', // PatientAddress
  '00102152', // RegionOfResidence
  '00102299', // ResponsibleOrganization
  '00080092', // ReferringPhysicianAddress
  '00401102', // PersonAddress
  '00400001', // ScheduledStationAETitle
  '00400010', // ScheduledStationName
  '00400011', // ScheduledProcedureStepLocation
  '00400241', // PerformedStationAETitle
  '00400242', // PerformedStationName
  '00400243', // PerformedLocation
  '00401005', // RequestedProcedureLocation
  '00402009', // OrderEntererLocation
  '00321020', // ScheduledStudyLocation
  '00321033', // RequestingService
  '00380300', // CurrentPatientLocation
  '00380400', // PatientInstitutionResidence
  '00404036', // HumanPerformerOrganization
  '0040A027', // VerifyingOrganization
]);

const PHONE_TAGS = new Set([
  '00102154', // PatientTelephoneNumbers
  '00102155', // PatientTelecomInformation
  '00080094', // ReferringPhysicianTelephoneNumbers
  '00401103', // PersonTelephoneNumbers
  '00401104', // PersonTelecomInformation
  '00402010', // OrderCallbackPhoneNumber
  '00402011', // OrderCallbackTelecomInformation
  '0040A354', // TelephoneNumberTrial
]);

const BIRTH_DATE = '00100030';

/** Words of place names that are also clinical or common words (a run of only these is not masked). */
const COMMON_PLACE_WORDS = new Set(
  `hospital hospitals clinic clinics medical medicine center centre centers centres university general
  memorial health healthcare infirmary royal saint st county regional community children childrens radiology
  imaging department services service trust foundation institute national district private women family
  street avenue road suite floor building north south east west central valley city lane drive boulevard
  station room emergency outpatient inpatient unit chest diagnostic diagnostics specialist specialty
  teaching care group partners associates network campus school college state federal public crescent
  terrace close court place square gardens garden grove park hill green walk mews parade heights the of
  and for at in thoracic cardiothoracic cardiac heart lung lungs chest cancer oncology breast spine bone
  vascular pediatric paediatric neuro orthopaedic orthopedic x ray xray ct mri mr dr cr dx`.split(/\s+/),
);

const alnumLength = (s: string) => s.replace(/[^\p{L}\p{N}]/gu, '').length;

/** Family, given and middle name (PN components 1-3; prefix and suffix are titles such as "Dr"). */
function nameParts(group: string): string[] {
  const parts: string[] = [];
  for (const component of group.split('^').slice(0, 3)) {
    parts.push(component);
    const words = component.split(/[\s\-.,']+/);
    if (words.length > 1) parts.push(...words);
  }
  return parts.filter((p) => alnumLength(p) >= 2);
}

/**
 * The place and every run of two or more of its words with a word in it that is not a common one
 * ("Wolfram Vestibury", "Penhallow Crescent"). Single words are not masked: without a dictionary a
 * town's name cannot be told from a clinical word ("Heart", "Thoracic").
 */
function placeVariants(value: string): string[] {
  const words = value.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
  const out = [value];
  for (let n = 2; n < words.length; n++)
    for (let i = 0; i + n <= words.length; i++) {
      const run = words.slice(i, i + n);
      if (run.some((w) => /\p{L}/u.test(w) && !COMMON_PLACE_WORDS.has(w.toLowerCase())))
        out.push(run.join(' '));
    }
  return out.filter((v) => alnumLength(v) >= 3);
}

/**
 * A DA date as the digit runs people write: 1956-03-14, 14/03/1956, 03/14/1956, 14/3/1956; the birth
 * date also without the year as two two-digit numbers (14.03, 03/14; "14/3" could be a ratio).
 */
function dateVariants(da: string, withoutYear: boolean): string[] {
  const m = /^(\d{4})\.?(\d{2})\.?(\d{2})/.exec(da.trim());
  if (!m) return [];
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  const out = new Set<string>(withoutYear ? [`${d}${mo}`, `${mo}${d}`] : []);
  for (const month of new Set([mo, String(Number(mo))]))
    for (const day of new Set([d, String(Number(d))]))
      out.add(`${y}${month}${day}`).add(`${day}${month}${y}`).add(`${month}${day}${y}`);
  return [...out];
}

/** Words with the apostrophes, hyphens and full stops inside them (O'Brien, Okonkwo-Reyes, St.John). */
const WORD = /[\p{L}\p{N}](?:[\p{L}\p{N}'’.-]*[\p{L}\p{N}])?/gu;
const MIN_ID_DIGITS = 5;

/**
 * In free text, a capitalised word of three letters or more that is no common word is taken for a name
 * (its hyphenated parts too), a word with five digits or more for an ID.
 */
function freeTextIdentifiers(text: string): KnownIdentifier[] {
  const out: KnownIdentifier[] = [];
  for (const [word] of text.matchAll(WORD)) {
    if ((word.match(/\d/g)?.length ?? 0) >= MIN_ID_DIGITS) out.push({ text: word, kind: 'ID' });
    else if (/^\p{Lu}\p{L}*(?:['’.-]\p{L}+)*$/u.test(word))
      for (const part of new Set([word, ...word.split(/['’.-]/)]))
        if (part.length >= 3 && !isCommonWord(part) && !COMMON_PLACE_WORDS.has(part.toLowerCase()))
          out.push({ text: part, kind: 'NAME' });
  }
  return out;
}

/** Bytes of an element read without its VR (UN, or private OB) that are text: printable, mostly. */
function bytesAsText(value: ArrayBuffer): string | null {
  const text = Buffer.from(value).toString('latin1');
  const printable = text.replace(/[^\x20-\x7e\xa0-\xff]/g, '').length;
  return text.length > 0 && printable >= 0.9 * text.length
    ? text.replace(/[^\x20-\x7e\xa0-\xff]+/g, ' ')
    : null;
}

/** An element's text: its string values, or its bytes read as text. */
function elementText(element: JsonElement): string[] {
  const strings = elementStrings(element);
  for (const value of element.Value ?? [])
    if (value instanceof ArrayBuffer) {
      const text = bytesAsText(value);
      if (text) strings.push(text);
    }
  return strings.map((v) => v.trim()).filter((v) => v.length > 0);
}

const privateCreator = (tag: string): boolean =>
  parseInt(tag.slice(0, 4), 16) % 2 === 1 && /^00[1-9A-F][0-9A-F]$/i.test(tag.slice(4));

function collect(dataset: JsonDataset, out: KnownIdentifier[]): void {
  for (const [tag, element] of Object.entries(dataset)) {
    if (element.vr === 'SQ') {
      for (const item of element.Value ?? [])
        if (item && typeof item === 'object' && !(item instanceof ArrayBuffer))
          collect(item as JsonDataset, out);
      continue;
    }
    const values = elementText(element);
    if (element.vr === 'PN') {
      for (const group of values)
        out.push(...nameParts(group).map((text) => ({ text, kind: 'NAME' as const })));
    } else if (ID_TAGS.has(tag)) {
      for (const text of values) if (alnumLength(text) >= 3) out.push({ text, kind: 'ID' });
    } else if (PLACE_TAGS.has(tag)) {
      for (const value of values)
        out.push(...placeVariants(value).map((text) => ({ text, kind: 'PLACE' as const })));
    } else if (PHONE_TAGS.has(tag)) {
      for (const text of values) if (alnumLength(text) >= 5) out.push({ text, kind: 'PHONE' });
    } else if (element.vr === 'DA' || element.vr === 'DT') {
      for (const value of values)
        out.push(...dateVariants(value, tag === BIRTH_DATE).map((text) => ({ text, kind: 'DATE' as const })));
    } else if (element.vr !== 'UI' && !privateCreator(tag) && !keepsValue(tag, element.vr)) {
      // UIDs are masked by their shape; a private creator names a vendor's dictionary, not a person.
      for (const value of values) out.push(...freeTextIdentifiers(value));
    }
  }
}

/** Unique by their letters and digits, longest first (so "Smith-Jones" goes before "Smith"). */
export function knownIdentifiers(dataset: JsonDataset): KnownIdentifier[] {
  const all: KnownIdentifier[] = [];
  collect(dataset, all);
  const seen = new Set<string>();
  const unique = all.filter(({ text }) => {
    const key = text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort((a, b) => alnumLength(b.text) - alnumLength(a.text));
}
