// The one way a feedback record leaves the machine. Every field has a rule, written against the
// record's type (and, for the image rendition, against what the pixel pipeline records), so that a field
// without a rule does not compile; one walk applies the rules and drops whatever has none (the
// rendition's pass-through keys, a field a newer version added). A string is kept only as one of:
//   text       typed by a reader or written by the model or the pack: through the text masker;
//   timestamp  moved back by the patient's date shift;
//   header     copied from the DICOM header: kept only where the de-identified header keeps the same
//              value in the same element, otherwise dropped;
//   pattern    machine-made (pseudonyms, ids, hashes, enums): kept when it has its expected form; a
//              value that does not leaves the record out of the export, named by its field.
import type { FeedbackRecord } from '../../../../shared/feedback';
import type { FileRendition } from '../../dicom/pixels/render-file';
import type { TextMasker } from './mask-text';
import { elementStrings, type JsonDataset } from './read-dataset';

export type RecordContext = {
  masker: TextMasker;
  /** Days to move the record's dates back (the patient's date shift). */
  shiftDays: number;
  /** The record's image header after the Basic profile. */
  header: JsonDataset;
};

declare const exported: unique symbol;
/** A record that went through exportedRecord: the only kind the export layouts take. */
export type ExportedRecord = FeedbackRecord & { readonly [exported]: true };

/** A field whose value does not have the form its rule expects. */
export class UnexpectedField extends Error {
  constructor(readonly path: string) {
    super(`${path} does not have the expected form`);
  }
}

type LeafType = 'string' | 'number' | 'boolean';
type StringRule =
  | { kind: 'text' }
  | { kind: 'timestamp' }
  | { kind: 'header'; tags: ReadonlySet<string> }
  | { kind: 'pattern'; pattern: RegExp };

export class Field<L extends LeafType = LeafType> {
  declare private readonly leaf: L;
  constructor(
    readonly type: L,
    readonly string?: StringRule,
  ) {}
}

type KeysOf<T> = T extends unknown ? keyof T : never;
type At<T, K extends PropertyKey> = T extends unknown ? (K extends keyof T ? T[K] : never) : never;
/** The rules for a value of type T: a Field for a leaf, [rule] for an array, a rule per key of an object. */
export type Rules<T> = [NonNullable<T>] extends [string]
  ? Field<'string'>
  : [NonNullable<T>] extends [number]
    ? Field<'number'>
    : [NonNullable<T>] extends [boolean]
      ? Field<'boolean'>
      : [NonNullable<T>] extends [readonly (infer E)[]]
        ? readonly [Rules<E>]
        : { readonly [K in KeysOf<NonNullable<T>>]-?: Rules<At<NonNullable<T>, K>> };

/** The record as the rules see it: the rendition as the pixel pipeline writes it. */
type RecordFields = Omit<FeedbackRecord, 'image'> & {
  image: Omit<FeedbackRecord['image'], 'rendition'> & { rendition: FileRendition['info'] };
};

const NUMBER = new Field('number');
const BOOLEAN = new Field('boolean');
const TEXT = new Field('string', { kind: 'text' });
const TIMESTAMP = new Field('string', { kind: 'timestamp' });
const header = (...tags: string[]) => new Field('string', { kind: 'header', tags: new Set(tags) });
const pattern = (p: RegExp) => new Field('string', { kind: 'pattern', pattern: p });
const oneOf = (values: readonly string[]) =>
  pattern(new RegExp(`^(?:${values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`));

const HEX16 = /^[0-9a-f]{16}$/;
const SHA256 = pattern(/^[0-9a-f]{64}$/);
const ref = (kind: string) => pattern(new RegExp(`^${kind}-[0-9a-f]{16}$`));
/** A pack's id, version or variant: a name made for machines. */
const NAME = pattern(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/);
const BOX = { pixel: { x: NUMBER, y: NUMBER, width: NUMBER, height: NUMBER }, normalized: [NUMBER] } as const;
const FINDING = { text: TEXT, status: oneOf(['normal', 'abnormal']), boxes: [BOX] } as const;
const LUT = { firstMapped: NUMBER, entries: NUMBER, bitsPerEntry: NUMBER } as const;
const PHOTOMETRIC = [
  'MONOCHROME1',
  'MONOCHROME2',
  'PALETTE COLOR',
  'RGB',
  'YBR_FULL',
  'YBR_FULL_422',
  'YBR_PARTIAL_420',
  'YBR_PARTIAL_422',
  'YBR_ICT',
  'YBR_RCT',
];

export const RECORD_RULES: Rules<RecordFields> = {
  schemaVersion: NUMBER,
  recordId: pattern(HEX16),
  kind: oneOf(['signed-report', 'annotator-correction']),
  createdAt: TIMESTAMP,
  refs: { patient: ref('patient'), study: ref('study'), series: ref('series'), instance: ref('instance') },
  view: oneOf(['PA', 'AP', 'LATERAL', 'OTHER']),
  image: {
    width: NUMBER,
    height: NUMBER,
    resized: { width: NUMBER, height: NUMBER },
    imageTokens: NUMBER,
    rendition: {
      frameIndex: NUMBER,
      rows: NUMBER,
      columns: NUMBER,
      photometric: oneOf(PHOTOMETRIC),
      colorToLuminance: BOOLEAN,
      modalityLut: {
        kind: oneOf(['rescale', 'lut']),
        slope: NUMBER,
        intercept: NUMBER,
        ...LUT,
        explanation: header('00283003'),
      },
      voi: {
        kind: oneOf(['window', 'lut']),
        source: oneOf(['header', 'minmax', 'explicit']),
        center: NUMBER,
        width: NUMBER,
        function: oneOf(['LINEAR', 'LINEAR_EXACT', 'SIGMOID']),
        ...LUT,
        // Window Center & Width Explanation, or the VOI LUT's LUT Explanation.
        explanation: header('00281055', '00283003'),
      },
      inverted: BOOLEAN,
      modalityRange: { min: NUMBER, max: NUMBER },
      // Standard transfer syntaxes only: a private one is a UID of somebody's.
      transferSyntaxUid: pattern(/^1\.2\.840\.10008\.1\.2(?:\.\d+)*$/),
    },
  },
  model: {
    id: NAME,
    version: NAME,
    variant: NAME,
    manifestSha256: SHA256,
    checkpointSha256: SHA256,
    intendedUse: pattern(/^[a-z][a-z0-9-]{0,63}$/),
  },
  provider: {
    provider: oneOf(['cpu', 'cuda', 'dml', 'coreml']),
    requested: oneOf(['auto', 'cpu', 'cuda', 'dml', 'coreml']),
    fallbackReason: TEXT,
  },
  prompts: { reportGeneration: TEXT, phraseGrounding: TEXT },
  decoding: {
    maxNewTokens: NUMBER,
    groundingMaxNewTokens: NUMBER,
    sampling: { temperature: NUMBER, topP: NUMBER, seed: NUMBER },
    coordinates: oneOf(['tokens', 'median']),
  },
  draft: { report: TEXT, findings: [FINDING] },
  final: { report: TEXT, impression: TEXT, findings: [FINDING] },
  actions: [
    {
      action: oneOf(['accepted', 'edited', 'rejected', 'added']),
      draftText: TEXT,
      finalText: TEXT,
      draftBoxes: [BOX],
      finalBoxes: [BOX],
      boxIou: NUMBER,
      boxesChanged: BOOLEAN,
    },
  ],
  reading: {
    version: NUMBER,
    parentVersion: NUMBER,
    role: oneOf(['radiologist', 'annotator']),
    readerId: pattern(/^r-[0-9a-f]{16}$/),
    timeOnTaskMs: NUMBER,
    signedAt: TIMESTAMP,
  },
  exclude: { excluded: BOOLEAN, reason: TEXT },
};

const DAY_MS = 86_400_000;

function shiftTimestamp(iso: string, days: number): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? '' : new Date(time - days * DAY_MS).toISOString();
}

/** Every value the data set (sequences included) holds under one of the tags. */
function headerValues(dataset: JsonDataset, tags: ReadonlySet<string>, out: Set<string>): Set<string> {
  for (const [tag, element] of Object.entries(dataset)) {
    if (element.vr === 'SQ')
      for (const item of element.Value ?? []) headerValues(item as JsonDataset, tags, out);
    else if (tags.has(tag)) {
      const values = elementStrings(element).map((v) => v.trim());
      for (const v of values) out.add(v);
      out.add(values.join('\\'));
    }
  }
  return out;
}

type Walked = unknown;
const DROP = Symbol('drop');

function applyString(value: string, rule: StringRule, context: RecordContext, path: string): Walked {
  switch (rule.kind) {
    case 'text':
      return context.masker.mask(value);
    case 'timestamp':
      return shiftTimestamp(value, context.shiftDays);
    case 'header':
      return headerValues(context.header, rule.tags, new Set()).has(value.trim()) ? value : DROP;
    case 'pattern':
      if (!rule.pattern.test(value)) throw new UnexpectedField(path);
      return value;
  }
}

type AnyRules = Field | readonly [AnyRules] | { readonly [key: string]: AnyRules };

function walk(value: unknown, rules: AnyRules, context: RecordContext, path: string): Walked {
  if (value === null) return null;
  if (rules instanceof Field) {
    if (typeof value !== rules.type) throw new UnexpectedField(path);
    if (rules.type === 'number' && !Number.isFinite(value)) throw new UnexpectedField(path);
    return rules.string ? applyString(value as string, rules.string, context, path) : value;
  }
  if (Array.isArray(rules)) {
    if (!Array.isArray(value)) throw new UnexpectedField(path);
    return value.map((item, i) => walk(item, rules[0] as AnyRules, context, `${path}[${i}]`));
  }
  if (typeof value !== 'object' || Array.isArray(value)) throw new UnexpectedField(path);
  const out: Record<string, Walked> = {};
  for (const [key, rule] of Object.entries(rules as { [key: string]: AnyRules })) {
    const field = (value as Record<string, unknown>)[key];
    if (field === undefined) continue;
    const walked = walk(field, rule, context, `${path}.${key}`);
    if (walked !== DROP) out[key] = walked;
  }
  return out;
}

/**
 * The record as it may leave: free text masked, dates shifted, header text as the header keeps it,
 * machine-made values checked, every field without a rule dropped. Throws UnexpectedField.
 */
export function exportedRecord(record: FeedbackRecord, context: RecordContext): ExportedRecord {
  return walk(record, RECORD_RULES as AnyRules, context, 'record') as ExportedRecord;
}
