// Flattens a data set into rows for the tag browser, names from dcmjs's DICOM dictionary.
import dcmjs from 'dcmjs';
import type { DataSet, Element } from 'dicom-parser';
import type { TagRow } from '../../../shared/domain';

type DictEntry = { name: string; vr: string };
const dictionary: Record<string, DictEntry | undefined> = dcmjs.data.DicomMetaDictionary.dictionary;

const TEXT_VRS = new Set([
  'AE',
  'AS',
  'CS',
  'DA',
  'DS',
  'DT',
  'IS',
  'LO',
  'LT',
  'PN',
  'SH',
  'ST',
  'TM',
  'UC',
  'UI',
  'UR',
  'UT',
]);
const MAX_VALUE_CHARS = 256;
const MAX_ROWS = 5000;

const tagKey = (tag: string): string => `(${tag.slice(1, 5)},${tag.slice(5, 9)})`.toUpperCase();

function lookup(tag: string): DictEntry | undefined {
  const key = tagKey(tag);
  if (parseInt(tag.slice(1, 5), 16) % 2 === 1) return undefined;
  return dictionary[key] ?? dictionary[key.replace(/^\((\w{2})\w{2}/, '($1xx')];
}

function numeric(ds: DataSet, el: Element, vr: string): string {
  const size: Record<string, number> = { US: 2, SS: 2, UL: 4, SL: 4, FL: 4, FD: 8, AT: 4 };
  const read: Record<string, (tag: string, i: number) => number | undefined> = {
    US: (t, i) => ds.uint16(t, i),
    SS: (t, i) => ds.int16(t, i),
    UL: (t, i) => ds.uint32(t, i),
    SL: (t, i) => ds.int32(t, i),
    FL: (t, i) => ds.float(t, i),
    FD: (t, i) => ds.double(t, i),
    AT: (t, i) => ds.uint32(t, i),
  };
  const count = Math.min(Math.floor(el.length / size[vr]!), 16);
  const values: string[] = [];
  for (let i = 0; i < count; i++) values.push(String(read[vr]!(el.tag, i)));
  return values.join('\\') + (el.length / size[vr]! > count ? '\\…' : '');
}

function value(ds: DataSet, el: Element, vr: string): string {
  if (el.tag === 'x7fe00010') {
    return el.encapsulatedPixelData
      ? `<encapsulated, ${el.fragments?.length ?? 0} fragments>`
      : `<${el.length} bytes>`;
  }
  if (TEXT_VRS.has(vr)) {
    const s = (ds.string(el.tag) ?? '').replace(/\0/g, '');
    return s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS)}…` : s;
  }
  if (vr in { US: 1, SS: 1, UL: 1, SL: 1, FL: 1, FD: 1, AT: 1 }) return numeric(ds, el, vr);
  return `<${el.length} bytes>`;
}

export function dumpTags(ds: DataSet, depth = 0, rows: TagRow[] = []): TagRow[] {
  for (const tag of Object.keys(ds.elements).sort()) {
    if (rows.length >= MAX_ROWS) break;
    const el = ds.elements[tag]!;
    const entry = lookup(tag);
    const vr = el.vr ?? entry?.vr ?? 'UN';
    const name = entry?.name ?? (parseInt(tag.slice(1, 5), 16) % 2 === 1 ? 'Private tag' : 'Unknown');
    if (el.items) {
      rows.push({ tag: tagKey(tag), vr: 'SQ', name, value: `${el.items.length} item(s)`, depth });
      el.items.forEach((item, index) => {
        rows.push({ tag: '(FFFE,E000)', vr: '', name: `Item ${index + 1}`, value: '', depth: depth + 1 });
        if (item.dataSet) dumpTags(item.dataSet, depth + 2, rows);
      });
    } else {
      rows.push({ tag: tagKey(tag), vr, name, value: value(ds, el, vr), depth });
    }
  }
  return rows;
}
