// Words of a report for the text metrics: lower-cased runs of letters and digits, keeping inner
// hyphens, apostrophes and decimal points ("t11-t12", "1.5"). Punctuation is dropped so that a
// reader's full stop or comma does not count as a change of content.
const WORD = /[\p{L}\p{N}]+(?:[.'’-][\p{L}\p{N}]+)*/gu;

export const wordTokens = (text: string): string[] => text.toLowerCase().match(WORD) ?? [];
