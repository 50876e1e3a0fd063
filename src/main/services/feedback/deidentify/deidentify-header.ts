// Applies the Basic Application Level Confidentiality Profile (basic-profile.ts) to a data set in the
// DICOM JSON model, recursively, with the Retain Longitudinal Temporal Information with Modified Dates
// option: dates move back by the patient's shift, times stay. What the table does not list is judged by
// its VR, more strictly than the profile asks: person names go, UIDs are replaced unless they are the
// standard's own (SOP classes, transfer syntaxes), free text is kept only for a short list of
// equipment and code attributes, bulk binary (pixel data, overlays, icons) never leaves, and an element
// the DICOM dictionary does not know is removed whatever its VR (its meaning, and so its risk, is
// unknown). Last, a kept value that holds one of the study's own identifiers, or a text value that holds
// anything the text masker would mask (a titled name, a date, a phone number, an ID), removes its element:
// dropped rather than masked, because a masked value is no valid value of most VRs ("[NAME]" in a CS)
// and a code meaning with a word masked no longer means its code.
import dcmjs from 'dcmjs';
import { replacementUid } from '../pseudonym';
import { BASIC_PROFILE, DEID_METHOD_CODES, DEID_PROFILE, type ProfileAction } from './basic-profile';
import type { TextMasker } from './mask-text';
import { elementStrings, type JsonDataset, type JsonElement, type JsonValue } from './read-dataset';

export type HeaderContext = {
  /** The site secret: replacement UIDs are the same for the same UID on this site. */
  secret: string;
  /** Days to move every date back (dateShiftDays of the patient). */
  shiftDays: number;
  /** The patient's pseudonym, written as Patient's Name and Patient ID. */
  patientPseudonym: string;
  masker: TextMasker;
};

const PATIENT_NAME = '00100010';
const PATIENT_ID = '00100020';
const PATIENT_BIRTH_DATE = '00100030';

/** Text attributes the profile does not list that describe the equipment or code a concept. */
const SAFE_TEXT = new Set([
  '00080070', // Manufacturer
  '00081090', // ManufacturerModelName
  '00181020', // SoftwareVersions
  '00080100', // CodeValue
  '00080102', // CodingSchemeDesignator
  '00080103', // CodingSchemeVersion
  '00080104', // CodeMeaning
  '00080119', // LongCodeValue
  '00080120', // URNCodeValue
  '00281054', // RescaleType
  '00281055', // WindowCenterWidthExplanation
  '00283003', // LUTExplanation
]);
/** Of those, the ones that hold codes rather than words: checked for the study's identifiers only. */
const CODES = new Set(['00080100', '00080102', '00080103', '00080119', '00080120']);
const TEXT_VRS = new Set(['AE', 'LO', 'LT', 'SH', 'ST', 'UC', 'UR', 'UT']);
const BINARY_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);
/** Numbers in binary: they hold no text. */
const NUMBER_VRS = new Set(['US', 'SS', 'UL', 'SL', 'FL', 'FD', 'UV', 'SV', 'AT']);
const DICOM_UID_ROOT = '1.2.840.10008.';

const { dictionary } = dcmjs.data.DicomMetaDictionary;
/** In the standard's data dictionary (repeating groups such as 60xx included). */
const standardTag = (tag: string): boolean =>
  dictionary[`(${tag.slice(0, 4)},${tag.slice(4)})`] !== undefined;

/** Private groups, curves (50xx), overlays (60xx), pixel data and the file meta / command groups. */
function removedGroup(tag: string): boolean {
  const group = parseInt(tag.slice(0, 4), 16);
  if (group % 2 === 1) return true;
  if (group <= 0x0004) return true;
  if (group >= 0x5000 && group <= 0x50ff) return true;
  if (group >= 0x6000 && group <= 0x60ff) return true;
  return group === 0x7fe0;
}

function shiftDate(da: string, days: number): string | null {
  const m = /^(\d{4})\.?(\d{2})\.?(\d{2})$/.exec(da.trim());
  if (!m) return null;
  const time = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - days * 86_400_000;
  if (Number.isNaN(time)) return null;
  return new Date(time).toISOString().slice(0, 10).replaceAll('-', '');
}

/** The date part shifted, the time kept, the UTC offset (an identifier of place) dropped. */
function shiftDateTime(dt: string, days: number): string | null {
  const m = /^(\d{8})(\d*(?:\.\d+)?)(?:[+-]\d{4})?$/.exec(dt.trim());
  if (!m) return null;
  const date = shiftDate(m[1]!, days);
  return date ? `${date}${m[2]}` : null;
}

const empty = (vr: string): JsonElement => ({ vr });
const withValues = (vr: string, values: JsonValue[]): JsonElement =>
  values.length > 0 ? { vr, Value: values } : { vr };

function dummy({ vr }: JsonElement): JsonElement | null {
  if (vr === 'PN') return { vr, Value: [{ Alphabetic: 'ANONYMOUS' }] };
  if (TEXT_VRS.has(vr) || vr === 'CS') return { vr, Value: ['ANONYMIZED'] };
  return null;
}

/**
 * Whether the profile may keep the element's value as it is (the identifier check aside): what this is
 * false for is removed, emptied or replaced, so the study's identifiers are collected from it first.
 */
export function keepsValue(tag: string, vr: string): boolean {
  if (removedGroup(tag) || BINARY_VRS.has(vr) || !standardTag(tag)) return false;
  if (tag === PATIENT_NAME || tag === PATIENT_ID || tag === PATIENT_BIRTH_DATE) return false;
  if (vr === 'PN' || vr === 'AS' || vr === 'DA' || vr === 'DT' || vr === 'UI') return false;
  const action = BASIC_PROFILE.get(tag);
  if (action !== undefined && action !== 'K*') return false;
  return !TEXT_VRS.has(vr) || SAFE_TEXT.has(tag);
}

/** A kept value's last check: none of the study's identifiers, and in words none of any shape. */
function holdsIdentifier(tag: string, element: JsonElement, masker: TextMasker): boolean {
  if (NUMBER_VRS.has(element.vr)) return false;
  const words = TEXT_VRS.has(element.vr) && !CODES.has(tag);
  return elementStrings(element).some((v) =>
    words ? masker.holdsIdentifier(v) : masker.holdsKnownIdentifier(v),
  );
}

function deidentifyElement(tag: string, element: JsonElement, context: HeaderContext): JsonElement | null {
  const { vr } = element;
  const action: ProfileAction | undefined = BASIC_PROFILE.get(tag);
  if (BINARY_VRS.has(vr) || !standardTag(tag)) return null;
  if (tag === PATIENT_NAME) return { vr, Value: [{ Alphabetic: context.patientPseudonym }] };
  if (tag === PATIENT_ID) return { vr, Value: [context.patientPseudonym] };
  if (tag === PATIENT_BIRTH_DATE) return empty(vr);
  if (vr === 'DA' || vr === 'DT' || vr === 'TM') {
    if (action === 'X') return null;
    if (vr === 'TM') return withValues(vr, element.Value ?? []);
    const shift = vr === 'DA' ? shiftDate : shiftDateTime;
    const shifted = elementStrings(element)
      .filter((v) => v.trim() !== '')
      .map((v) => shift(v, context.shiftDays));
    // A value that is not a date cannot be shifted, so it cannot stay.
    return shifted.every((v) => v !== null) ? withValues(vr, shifted as string[]) : null;
  }
  if (vr === 'SQ') {
    if (action === 'X' || action === 'D') return null;
    if (action === 'Z') return empty(vr);
    const items = (element.Value ?? []).map((item) => deidentifyDataset(item as JsonDataset, context));
    return withValues(vr, items);
  }
  if (vr === 'UI') {
    if (action === 'X') return null;
    if (action === 'Z') return empty(vr);
    const uids = elementStrings(element).map((uid) =>
      uid.startsWith(DICOM_UID_ROOT) ? uid : replacementUid(context.secret, uid),
    );
    return withValues(vr, uids);
  }
  switch (action) {
    case 'X':
    case 'U':
      return null;
    case 'Z':
      return empty(vr);
    case 'D':
      return dummy(element);
    case 'K*':
    case undefined:
      break;
  }
  if (!keepsValue(tag, vr) || holdsIdentifier(tag, element, context.masker)) return null;
  // A fresh element: dcmjs keeps the value as read (_rawValue) beside it, which must not travel along.
  return withValues(vr, element.Value ?? []);
}

function deidentifyDataset(dataset: JsonDataset, context: HeaderContext): JsonDataset {
  const out: JsonDataset = {};
  for (const tag of Object.keys(dataset).sort()) {
    if (removedGroup(tag)) continue;
    const element = deidentifyElement(tag, dataset[tag]!, context);
    if (element) out[tag] = element;
  }
  return out;
}

/** The de-identified data set, with (0012,0062-0064) and (0028,0303) saying what was done. */
export function deidentifyHeader(dataset: JsonDataset, context: HeaderContext): JsonDataset {
  const out = deidentifyDataset(dataset, context);
  out['00120062'] = { vr: 'CS', Value: ['YES'] };
  out['00120063'] = {
    vr: 'LO',
    Value: ['DICOM PS3.15 E.1 Basic Profile', 'Retain Longitudinal Modified Dates', DEID_PROFILE.version],
  };
  out['00120064'] = {
    vr: 'SQ',
    Value: DEID_METHOD_CODES.map((code) => ({
      '00080100': { vr: 'SH', Value: [code.value] },
      '00080102': { vr: 'SH', Value: ['DCM'] },
      '00080104': { vr: 'LO', Value: [code.meaning] },
    })),
  };
  out['00280303'] = { vr: 'CS', Value: ['MODIFIED'] };
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}
