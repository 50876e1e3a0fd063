// A report's text cut into findings (sentences, and clauses after ";") and each marked normal or abnormal,
// so that only abnormal findings are sent to phrase grounding. Rule-based, in the spirit of NegEx: a
// negation cue ("no", "without", "negative for" ...) negates what follows it up to a contrast ("but",
// "except" ...); what is asserted outside negation is abnormal when it names a finding or a device, normal
// when it is a statement of normality, and abnormal when unknown: grounding too much costs a box the reader
// dismisses, grounding too little hides a finding.

export type FindingStatus = 'normal' | 'abnormal';

export type Finding = {
  text: string;
  /** Offsets of `text` in the report. */
  start: number;
  end: number;
  status: FindingStatus;
};

/** Words whose final period does not end a sentence. */
const ABBREVIATIONS = new Set([
  'approx',
  'dr',
  'mr',
  'mrs',
  'ms',
  'prof',
  'vs',
  'e.g',
  'i.e',
  'cf',
  'fig',
  'incl',
  'resp',
  'a.m',
  'p.m',
]);

const HEADER = /^(?:findings|impression|conclusion|report|comparison|indication|history|technique)\s*:\s*/i;
const ENUMERATOR = /^(?:\d{1,2}[.)]|[-•*])\s+/;

export type SentenceSpan = { start: number; end: number };

function isSentenceEnd(text: string, i: number, sentenceStart: number): boolean {
  const ch = text[i]!;
  if (ch === '\n' || ch === ';') return true;
  if (ch !== '.' && ch !== '!' && ch !== '?') return false;
  const next = text[i + 1];
  if (next !== undefined && !/\s/.test(next)) return false;
  if (ch !== '.') return true;
  // "1. Cardiomegaly": a list number, not a sentence.
  if (/^\s*\d{1,2}$/.test(text.slice(sentenceStart, i))) return false;
  // "approx. 2 cm", "Dr. J. Smith", "e.g. pneumonia"; but "... 4.5 cm. No effusion" ends.
  const word =
    /(?:^|[^\p{L}.])([\p{L}.]+)$/u.exec(text.slice(Math.max(0, i - 12), i))?.[1]?.toLowerCase() ?? '';
  return !ABBREVIATIONS.has(word) && !/^\p{L}$/u.test(word);
}

/** Sentence spans (trimmed, headers and list markers removed), empty ones left out. */
export function splitSentences(text: string): SentenceSpan[] {
  const spans: SentenceSpan[] = [];
  let start = 0;
  const push = (end: number) => {
    let s = start;
    let e = end;
    while (s < e && /\s/.test(text[s]!)) s++;
    while (e > s && /\s/.test(text[e - 1]!)) e--;
    for (const prefix of [HEADER, ENUMERATOR, HEADER]) {
      const m = prefix.exec(text.slice(s, e));
      if (m) s += m[0].length;
    }
    if (/[\p{L}\p{N}]/u.test(text.slice(s, e))) spans.push({ start: s, end: e });
  };
  for (let i = 0; i < text.length; i++) {
    if (!isSentenceEnd(text, i, start)) continue;
    // The period belongs to the sentence; ";" and newlines do not.
    push(text[i] === '\n' || text[i] === ';' ? i : i + 1);
    start = i + 1;
  }
  push(text.length);
  return spans;
}

const words = (list: string[]) => new RegExp(`\\b(?:${list.join('|')})\\b`, 'i');

/** Clauses beyond which a negation does not reach. */
const CONTRAST =
  /\b(?:but|however|although|though|whereas|except|apart from|other than|with the exception of)\b|,\s*(?:with|and there is|there is)\b/i;

/** Statements of doubt that contain a negation word yet assert a possible finding. */
const UNCERTAIN =
  /\b(?:can ?not|could not|may not) be (?:excluded|ruled out)|\bcannot (?:exclude|rule out)|\bnot (?:be )?(?:excluded|ruled out)\b/i;

/** Negation words that negate nothing: comparisons with a prior study. */
const PSEUDO_NEGATION =
  /\bno (?:significant |appreciable |substantial |definite )?(?:interval )?(?:change|increase|decrease|progression)s?(?: in| of)?\b|\bnot (?:significantly )?changed\b|\bno longer (?:than|before)\b/i;

const NEGATION = /\b(?:no|not|without|negative for|free of|absence of|resolution of|neither|nor|clear of)\b/i;

const NEGATED_AFTER = new RegExp(
  [
    String.raw`\b(?:is|are|was|were|has been|have been)\s+(?:not|no longer)\s+(?:seen|identified|present|visuali[sz]ed|appreciated|demonstrated|evident|noted|detected|apparent|shown)\b`,
    String.raw`\b(?:has|have)\s+(?:since\s+)?resolved\b`,
    String.raw`\b(?:is|are)\s+absent\b`,
    String.raw`\bhas been ruled out\b`,
  ].join('|'),
  'i',
);

const NORMAL = new RegExp(
  [
    String.raw`\b(?:normal|unremarkable|clear|intact|midline|sharp|preserved|negative|symmetric|stable|unchanged)\b`,
    String.raw`\bwell[- ](?:expanded|aerated|inflated|defined)\b`,
    String.raw`\bwithin (?:the )?normal limits\b`,
    String.raw`\bno acute\b`,
  ].join('|'),
  'i',
);

/** Reports that describe the study rather than the patient. */
const NON_FINDING = words([
  'comparison',
  'compared',
  'prior',
  'views?',
  'radiographs?',
  'technique',
  'portable',
  'frontal',
  'lateral',
  'pa',
  'ap',
]);

const ABNORMAL = words([
  'effusions?',
  'pneumothora(?:x|ces)',
  'consolidations?',
  'consolidative',
  'opacit(?:y|ies)',
  'opacifications?',
  'opacified',
  'atelecta(?:sis|tic)',
  'o?edema',
  'congestion',
  'congested',
  'cardiomegaly',
  'enlarge(?:d|ment)',
  'nodul(?:e|es|ar)',
  'mass(?:es)?',
  'fractures?',
  'fractured',
  'pneumonia',
  'infiltrat(?:e|es|ion)',
  'collapse',
  'collapsed',
  'scar(?:s|ring)?',
  'fibro(?:sis|tic)',
  'emphysema(?:tous)?',
  'hyperinfla(?:tion|ted)',
  'thicken(?:ing|ed)',
  'calcifi(?:cation|cations|ed)',
  'granulomas?',
  'lesions?',
  'tubes?',
  'lines?',
  'catheters?',
  'pacemakers?',
  'pacer',
  'wires?',
  'clips?',
  'devices?',
  'stents?',
  'leads?',
  'ports?',
  'drains?',
  'hernias?',
  'tortuous',
  'tortuosity',
  'widen(?:ed|ing)',
  'elevat(?:ed|ion)',
  'blunt(?:ed|ing)',
  'deviat(?:ed|ion)',
  'dilat(?:ed|ion)',
  'aneurysm(?:al)?',
  'cavit(?:y|ies|ation|ary)',
  'air-fluid',
  'free air',
  'pneumoperitoneum',
  'degenerative',
  'scoliosis',
  'kyphosis',
  'osteopenia',
  'infection',
  'malignan(?:cy|t)',
  'metasta(?:sis|ses|tic)',
  'lymphadenopathy',
  'prominen(?:t|ce)',
  'increased',
  'decreased',
  'low',
  'hazy',
  'haziness',
  'interstitial',
  'reticular',
  'airspace',
  'abnormal(?:ity|ities)?',
  'suspicious',
  'concerning',
  'worse(?:ning|ned)?',
  'new',
  'progress(?:ion|ed|ive)',
  'loculated',
  'bronchograms?',
  'cephalization',
  'kerley',
  'bronchiectasis',
  'cardiomegalic',
  'hypoinfla(?:tion|ted)',
  'volume loss',
  'shift(?:ed)?',
  'sternotomy',
  'post-?surgical',
  'postoperative',
  'hardware',
]);

function classifyClause(clause: string): FindingStatus | null {
  let text = clause;
  if (UNCERTAIN.test(text)) return 'abnormal';
  text = text.replace(PSEUDO_NEGATION, ' ');
  if (NEGATED_AFTER.test(text)) return 'normal';
  const negation = NEGATION.exec(text);
  const asserted = negation ? text.slice(0, negation.index) : text;
  if (ABNORMAL.test(asserted)) return 'abnormal';
  if (negation || NORMAL.test(asserted) || NON_FINDING.test(asserted)) return 'normal';
  return /\p{L}/u.test(asserted) ? 'abnormal' : null;
}

/** Abnormal when any clause asserts a finding. */
export function classifyFinding(sentence: string): FindingStatus {
  const clauses = sentence.split(CONTRAST);
  const statuses = clauses.map(classifyClause);
  return statuses.includes('abnormal') ? 'abnormal' : 'normal';
}

export function splitFindings(report: string): Finding[] {
  return splitSentences(report).map(({ start, end }) => {
    const text = report.slice(start, end);
    return { text, start, end, status: classifyFinding(text) };
  });
}
