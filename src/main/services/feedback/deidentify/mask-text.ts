// Masks identifiers in text a reader typed: e-mail addresses and UIDs whole, then the study's own
// identifiers from its header (matched on folded text, fold-text.ts: case, accents and transliterations
// aside, with spaces or punctuation allowed between their letters and digits), then what looks like an
// identifier whoever it belongs to: dates (date-patterns.ts), phone numbers, titled names ("Dr. Jane
// Smith", "Mr Smith"), MRN-like numbers. Masking errs on the side of the patient: a list of numbers that
// reads like a phone number is masked too.
import { maskDates } from './date-patterns';
import { fold, maskFolded, type FoldedPattern } from './fold-text';
import type { IdentifierKind, KnownIdentifier } from './known-identifiers';

type Token = `[${IdentifierKind | 'EMAIL'}]`;
const token = (kind: IdentifierKind | 'EMAIL'): Token => `[${kind}]`;
/** The tokens, as folded text shows them: what is masked is not matched again. */
const TOKENS = /\[(?:name|id|place|phone|date|email)\]/gu;

const ALNUM = '[\\p{L}\\p{N}]';
const NOT_BEFORE = `(?<!${ALNUM})`;
const NOT_AFTER = `(?!${ALNUM})`;
/** What may stand between two characters of a typed identifier: "Smith  Jane", "MRN 1234-56". */
const GAP = '[^\\p{L}\\p{N}]{0,3}';

const escapeChar = (c: string) => c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** The identifier's folded letters and digits, anything of up to three other characters between them. */
function identifierPattern(text: string, kind: IdentifierKind): RegExp | null {
  const chars = [...fold(text.normalize('NFC'))].filter((c) => /[\p{L}\p{N}]/u.test(c));
  if (chars.length === 0) return null;
  // A phone number's leading "+" or "(" goes with it: "(555) 010-4477", "+44 20 …".
  const lead = kind === 'PHONE' ? '(?:\\+|\\()?' : '';
  return new RegExp(`${NOT_BEFORE}${lead}${chars.map(escapeChar).join(GAP)}${NOT_AFTER}`, 'gu');
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
const UID = new RegExp(`${NOT_BEFORE}\\d+(?:\\.\\d+){3,}${NOT_AFTER}`, 'gu');
/** +44 20 7946 0958, (555) 010-4477, 07700 900123: counted as a phone number from 7 digits. */
const PHONE = new RegExp(
  `(?<![\\p{L}\\p{N}+])(?:\\+\\d{1,3}[\\s.-]?)?(?:\\(\\d{1,5}\\)[\\s.-]?)?\\d{2,6}(?:[ .-]\\d{2,6}){1,4}${NOT_AFTER}`,
  'gu',
);
const MIN_PHONE_DIGITS = 7;

// Titles: first letter in either case, the rest lower case, so that "MS" (mitral stenosis) and "DR"
// (digital radiography) stay. Then up to three capitalised words or initials; or one word of any case
// after an abbreviated title that is capitalised, has its full stop, or is "dr" ("dr smith").
const SHORT_TITLE = '(?:[Dd]r|[Mm]r|[Mm]rs|[Mm]s|[Mm]x|[Pp]rof)\\.?';
const LONG_TITLE = '(?:[Dd]octor|[Pp]rofessor|[Mm]iss|[Nn]urse|[Ss]ister|[Mm]adam|[Ss]ir)';
const CLEAR_TITLE = '(?:(?:Dr|Mr|Mrs|Ms|Mx|Prof)\\.?|(?:dr|mr|mrs|ms|mx|prof)\\.|dr)';
const CAPITALISED = "(?:\\p{Lu}\\.|\\p{Lu}[\\p{L}'’-]*)";
const TITLED_NAME = new RegExp(
  `${NOT_BEFORE}(?:(?:${SHORT_TITLE}|${LONG_TITLE})\\s+${CAPITALISED}(?:\\s+${CAPITALISED}){0,2}|${CLEAR_TITLE}\\s+\\p{L}[\\p{L}'’-]*)${NOT_AFTER}`,
  'gu',
);
/** MRN-like: six or more digits, or a few letters glued to five or more digits (MRN84726153, A-12345). */
const ID_RUNS = [
  new RegExp(`${NOT_BEFORE}\\p{L}{1,5}-?\\d{5,}\\p{L}{0,3}${NOT_AFTER}`, 'gu'),
  new RegExp(`${NOT_BEFORE}\\d{5,}\\p{L}{1,3}${NOT_AFTER}`, 'gu'),
  new RegExp(`${NOT_BEFORE}\\d{6,}${NOT_AFTER}`, 'gu'),
];

export class TextMasker {
  private readonly known: FoldedPattern[];

  constructor(identifiers: readonly KnownIdentifier[]) {
    this.known = identifiers.flatMap(({ text, kind }) => {
      const pattern = identifierPattern(text, kind);
      return pattern ? [{ pattern, token: token(kind) }] : [];
    });
  }

  mask(text: string): string {
    let out = text.normalize('NFC').replace(EMAIL, token('EMAIL')).replace(UID, token('ID'));
    out = maskFolded(out, this.known, TOKENS);
    out = maskDates(out, TOKENS);
    out = out.replace(PHONE, (m) => (m.replace(/\D/g, '').length >= MIN_PHONE_DIGITS ? token('PHONE') : m));
    out = out.replace(TITLED_NAME, token('NAME'));
    for (const pattern of ID_RUNS) out = out.replace(pattern, token('ID'));
    return out;
  }

  /** Whether the text holds one of the study's own identifiers (the generic patterns aside). */
  holdsKnownIdentifier(text: string): boolean {
    const folded = fold(text.normalize('NFC'));
    return this.known.some(({ pattern }) => {
      pattern.lastIndex = 0;
      return pattern.test(folded);
    });
  }

  /** Whether the text holds anything the masker would mask: one of the study's identifiers or one by its shape. */
  holdsIdentifier(text: string): boolean {
    return this.mask(text) !== text.normalize('NFC');
  }
}
