// Python `re` patterns in JavaScript. Python's \b, \w and \s are Unicode-aware on str patterns, and
// JavaScript's are ASCII-only (even with the u flag), so a port that copied the patterns verbatim
// would disagree on text such as "pneumothoraxé". These stand-ins give Python's classes.
const WORD = String.raw`[\p{L}\p{N}_]`;
/** Python's \s for str (str.isspace): JavaScript's \s less U+FEFF, plus U+001C..U+001F and U+0085. */
const SPACE = String.raw`[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]`;
const BOUNDARY = `(?:(?<=${WORD})(?!${WORD})|(?<!${WORD})(?=${WORD}))`;
const OUTSIDE_CLASS: Record<string, string> = { b: BOUNDARY, w: WORD, s: SPACE };

/** Compiles a Python pattern source (u flag added). Escapes with no exact stand-in here are refused. */
export function pyRegex(source: string, flags = ''): RegExp {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const next = source[++i] ?? '';
      if ('bBwWsSdD'.includes(next) && (inClass || !OUTSIDE_CLASS[next])) {
        throw new Error(`pyRegex: \\${next}${inClass ? ' in a class' : ''} is not supported`);
      }
      out += inClass ? c + next : (OUTSIDE_CLASS[next] ?? c + next);
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    out += c;
  }
  return new RegExp(out, `u${flags}`);
}

const STRIP = new RegExp(`^${SPACE}+|${SPACE}+$`, 'gu');

/** Python's str.strip(). */
export const pyStrip = (s: string): string => s.replace(STRIP, '');

/** pattern.search(s, pos, endpos): endpos cuts the string short, pos only moves where the search starts. */
export function pySearch(global: RegExp, s: string, pos: number, endpos: number): RegExpExecArray | null {
  global.lastIndex = pos;
  return global.exec(s.slice(0, endpos));
}

/** pattern.match(s, pos): anchored at pos, the whole string visible. */
export function pyMatch(sticky: RegExp, s: string, pos: number): RegExpExecArray | null {
  sticky.lastIndex = pos;
  return sticky.exec(s);
}
