// Text folded the way one name is written on different keyboards and by different systems: lower case,
// accents off, letters without a decomposition spelled in Latin letters (ß ss, ø o, æ ae, ł l), and the
// German and Scandinavian two-letter spellings reduced as their one-letter forms are (ue u, oe o, ae a,
// aa a, ss s). Both sides are folded alike, so "José Müller", "Jose Mueller" and a header's `Muller^Jose`
// all read "jose muller". Each folded character remembers the span of the original it came from, so a
// match in the folded text masks the original text.

/** Letters that NFKD leaves as they are, as they are written in Latin letters. */
const SPELLED: Record<string, string> = {
  ß: 'ss',
  ẞ: 'ss',
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ł: 'l',
  ı: 'i',
  ħ: 'h',
  ŀ: 'l',
  ŧ: 't',
};
/** Second letters of the two-letter spellings, after the first letter they go with. */
const DIGRAPHS = new Set(['ae', 'oe', 'ue', 'aa', 'ss']);

export type FoldedText = {
  text: string;
  /** Per folded character, where its original starts and ends (UTF-16 offsets). */
  from: number[];
  to: number[];
};

const folds = new Map<string, string>();

function foldChar(c: string): string {
  let folded = folds.get(c);
  if (folded === undefined) {
    const spelled = [...c.toLowerCase()].map((l) => SPELLED[l] ?? l).join('');
    folded = spelled.normalize('NFKD').replace(/\p{M}/gu, '');
    folds.set(c, folded);
  }
  return folded;
}

export function foldText(text: string): FoldedText {
  const chars: string[] = [];
  const from: number[] = [];
  const to: number[] = [];
  let at = 0;
  for (const c of text) {
    for (const f of foldChar(c)) {
      const last = chars.length - 1;
      // "ue" after a letter run reads as "u": the second letter joins the first one's span.
      if (last >= 0 && DIGRAPHS.has(chars[last]! + f)) {
        to[last] = at + c.length;
        continue;
      }
      chars.push(f);
      from.push(at);
      to.push(at + c.length);
    }
    at += c.length;
  }
  return { text: chars.join(''), from, to };
}

export const fold = (text: string): string => foldText(text).text;

/** A pattern matched on the folded text and the token that replaces what it matched. */
export type FoldedPattern = { pattern: RegExp; token: string };

/**
 * Each pattern in turn (earlier ones win) matched on the folded text; what a match covers in the
 * original is replaced by its token. Spans already masked, and tokens already in the text, are not
 * matched again.
 */
export function maskFolded(text: string, patterns: readonly FoldedPattern[], tokens: RegExp): string {
  const folded = foldText(text);
  const taken = new Uint8Array(folded.text.length);
  for (const m of folded.text.matchAll(tokens)) taken.fill(1, m.index, m.index + m[0].length);
  const spans: { start: number; end: number; token: string }[] = [];
  for (const { pattern, token } of patterns) {
    pattern.lastIndex = 0;
    for (const m of folded.text.matchAll(pattern)) {
      const start = m.index;
      const end = start + m[0].length;
      if (end === start || taken.subarray(start, end).some((t) => t === 1)) continue;
      taken.fill(1, start, end);
      spans.push({ start: folded.from[start]!, end: folded.to[end - 1]!, token });
    }
  }
  if (spans.length === 0) return text;
  spans.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const { start, end, token } of spans) {
    out += text.slice(at, start) + token;
    at = end;
  }
  return out + text.slice(at);
}
