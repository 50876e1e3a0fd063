// Dates as people write them, with or without a year: digits (2024-01-02, 02/01/2024, 19560314), month
// names and their abbreviations in English, German, French, Spanish, Italian, Dutch and Portuguese ("14
// March 1956", "22. Juli", "le 22 juillet 1961", "22 de julio de 1961", "July 22nd"), and Roman-numeral
// months ("22-VII-1961", "22.VII."). Month names are matched on folded text (fold-text.ts), so "März",
// "Maerz" and "Marz", "août" and "aout" are one name. Day-and-month digits without a year ("22/07") are
// left alone: they cannot be told from fractions and ratios (the patient's own birth day is masked as a
// known identifier instead).
import { fold, maskFolded, type FoldedPattern } from './fold-text';

const ALNUM = '[\\p{L}\\p{N}]';
const NOT_BEFORE = `(?<!${ALNUM})`;
const NOT_AFTER = `(?!${ALNUM})`;

const MONTHS = `
  january february march april may june july august september october november december
  januar janner februar feber marz mai juni juli oktober dezember
  janvier fevrier mars avril juin juillet aout septembre octobre novembre decembre
  enero febrero marzo abril mayo junio julio agosto setiembre octubre noviembre diciembre
  gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre
  januari februari maart mei augustus
  janeiro fevereiro marco maio junho julho setembro outubro novembro dezembro`;
/** Abbreviations that are no word of these languages, so they read as a month beside a day alone. */
const CLEAR_ABBREVIATIONS = `jan feb apr jun jul aug sep sept oct okt nov dec dez dic janv fevr fev juil mrt
  giu lug ott ene abr`;
/** Abbreviations that are also words ("2 out of 3", "1 set", "2 mag views"): a month only beside a year. */
const WORD_ABBREVIATIONS = 'mar ago gen set out mag';

const alternatives = (words: string): string =>
  [...new Set(words.trim().split(/\s+/).map(fold))].sort((a, b) => b.length - a.length).join('|');

const ANY_MONTH = `(?:${alternatives(`${MONTHS} ${CLEAR_ABBREVIATIONS} ${WORD_ABBREVIATIONS}`)})\\.?`;
// English "may" is a verb too ("grade 2 may be"): without a year only written as a month, "May".
const DAY_MONTH = `(?:${alternatives(MONTHS.replace(/\bmay\b/, ''))}|(?:${alternatives(CLEAR_ABBREVIATIONS)})\\.?)`;
/** 22, 22nd, 1st, 1er, 22e, 1º (folded: 1o), 22. */
const DAY = `(?:[12]\\d|3[01]|0?[1-9])(?:st|nd|rd|th|er|re|eme|e|o|a|°|\\.)?`;
const OF = '(?:(?:of|de|del|di|du|do|da)\\s+)?';
const YEAR = '(?:\\d{4}|\\d{2})';
const SEP = '[\\s/.,-]*';
/** A year after the month: four digits, or two not after a comma ("July, 22" is a day). */
const THEN_YEAR = `(?:${SEP}${OF}\\d{4}|[\\s/.-]+\\d{2})`;

const folded = (source: string): FoldedPattern => ({
  pattern: new RegExp(`${NOT_BEFORE}${source}${NOT_AFTER}`, 'gu'),
  token: '[DATE]',
});

/** Month names, matched on folded text; longer forms first. */
const NAMED: FoldedPattern[] = [
  // 14 March 1956, 14th of Mar. 1956, 14-Mar-1956, 22. Juli 1961, 22 de julio de 1961
  folded(`${DAY}${SEP}${OF}${ANY_MONTH}${THEN_YEAR}`),
  // March 14, 1956; Mar 14th 1956
  folded(`${ANY_MONTH}\\s+${DAY}(?:,?\\s+\\d{4}|\\s+\\d{2})`),
  // March 1956, julio de 1961
  folded(`${ANY_MONTH}\\s+${OF}\\d{4}`),
  // born 22 July, 22nd of July, le 22 juillet, 22. Juli
  folded(`${DAY}${SEP}${OF}${DAY_MONTH}`),
  // July 22nd, July 22
  folded(`${DAY_MONTH}\\s+${DAY}`),
];

const ROMAN = '(?:XII|XI|IX|X|VIII|VII|VI|IV|V|III|II|I)';
const DAY_NUMBER = '(?:[12]\\d|3[01]|0?[1-9])';

/** Matched on the text as written. */
const WRITTEN = [
  // 2024-01-02, 2024/1/2, 2024.01.02
  new RegExp(`${NOT_BEFORE}\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}${NOT_AFTER}`, 'gu'),
  // 02/01/2024, 2-1-24, 02.01.2024
  new RegExp(`${NOT_BEFORE}\\d{1,2}[-/.]\\d{1,2}[-/.](?:\\d{4}|\\d{2})${NOT_AFTER}`, 'gu'),
  // 19560314 (DICOM's own form)
  new RegExp(`${NOT_BEFORE}(?:19|20)\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])${NOT_AFTER}`, 'gu'),
  // 22-VII-1961, 22.vii.61, 22/VII/1961, 22 VII 1961: one separator throughout, then a year
  new RegExp(`${NOT_BEFORE}${DAY_NUMBER}\\s?([./-])\\s?${ROMAN}\\s?\\1\\s?${YEAR}${NOT_AFTER}`, 'giu'),
  new RegExp(`${NOT_BEFORE}${DAY_NUMBER}\\s${ROMAN}\\s\\d{4}${NOT_AFTER}`, 'gu'),
  // 22.VII., 22-VII, 22/VII: upper case and joined, so that "3 x 2 cm" and "T4-5" stay
  new RegExp(`${NOT_BEFORE}${DAY_NUMBER}[./-]${ROMAN}(?:\\.|(?![\\p{L}\\p{N}-]))`, 'gu'),
  // May 22nd, 22 May, 22nd of May
  new RegExp(`${NOT_BEFORE}May\\s+${DAY}${NOT_AFTER}`, 'gu'),
  new RegExp(`${NOT_BEFORE}${DAY}\\s+(?:of\\s+)?May${NOT_AFTER}`, 'gu'),
];

/** Every date form above replaced by [DATE]; `tokens` are the masker's tokens, not matched again. */
export function maskDates(text: string, tokens: RegExp): string {
  let out = text;
  for (const pattern of WRITTEN.slice(0, 3)) out = out.replace(pattern, '[DATE]');
  out = maskFolded(out, NAMED, tokens);
  for (const pattern of WRITTEN.slice(3)) out = out.replace(pattern, '[DATE]');
  return out;
}
