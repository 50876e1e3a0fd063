// Finding labels of a report, negation-aware: a line-for-line port of extract_labels in
// tools/demo-model/metrics.py (same labels, clause splitting, negation and side rules), so label
// agreement in the app and in training evaluation is the same number. Change both together; the test
// runs the Python function on a corpus and compares.
import { pyMatch, pyRegex, pySearch, pyStrip } from './py-regex';

export const LABELS = [
  'cardiomegaly',
  'left pleural effusion',
  'right pleural effusion',
  'left pneumothorax',
  'right pneumothorax',
  'consolidation',
  'nodule',
  'support device',
] as const;
export type Label = (typeof LABELS)[number];

const NEGATION = pyRegex(String.raw`\b(no|without|negative for|free of|not|resolved|absence of)\b`, 'g');
const POST_NEGATION = pyRegex(
  String.raw`[^,;]{0,20}?\b(?:(?:is|was|are|were) not|not (?:seen|present|identified)|absent|resolved)\b`,
  'y',
);
const BREAK = pyRegex(String.raw`\b(but|however|although|though)\b`, 'g');
const SIDE = pyRegex(String.raw`\b(left|right|bilateral|both)\b`, 'g');
const SIDE_AFTER = pyRegex(String.raw`^(?:\s+\w+){0,3}?\s+(?:on|in|at) the (left|right)\b`);
const CLAUSE_SPLIT = pyRegex(String.raw`(?<=[.!?;])\s+|;`);
const PATTERNS = [
  [
    'cardiomegaly',
    pyRegex(
      String.raw`cardiomegaly|(?:heart|cardiac silhouette|cardiac size|heart size)\s+(?:is\s+|appears\s+)?(?:\w+\s+)?` +
        String.raw`(?:enlarged|large)\b|enlargement of the (?:cardiac silhouette|heart)|enlarged (?:heart|cardiac)`,
      'g',
    ),
  ],
  ['pleural effusion', pyRegex(String.raw`effusions?\b`, 'g')],
  ['pneumothorax', pyRegex(String.raw`pneumothora(?:x|ces)\b`, 'g')],
  ['consolidation', pyRegex(String.raw`consolidation|air-?space (?:opacit\w+|disease)|pneumonia`, 'g')],
  ['nodule', pyRegex(String.raw`nodul\w*|\bmass\b`, 'g')],
  [
    'support device',
    pyRegex(
      String.raw`\b(?:endotracheal|nasogastric|enteric|feeding|orogastric|chest|et|ng) tubes?\b|\bcatheters?\b|` +
        String.raw`central (?:venous )?line|\bpicc\b|support devices?|pacemaker`,
      'g',
    ),
  ],
] as const;

function clauses(text: string): string[] {
  return text
    .toLowerCase()
    .split(CLAUSE_SPLIT)
    .map(pyStrip)
    .filter((c) => c !== '');
}

/** A negation before the mention (or inside it: "heart is not enlarged") with no "but" between, or a
 * post-negation right after it ("... was not seen"). */
function negated(clause: string, start: number, end: number): boolean {
  let last: RegExpExecArray | undefined;
  for (const m of clause.slice(0, end).matchAll(NEGATION)) last = m;
  if (last && pySearch(BREAK, clause, last.index + last[0].length, start) === null) return true;
  return pyMatch(POST_NEGATION, clause, end) !== null;
}

/** The first n code points (Python slices count code points, JavaScript's UTF-16 units). */
const codePoints = (s: string, n: number): string => Array.from(s).slice(0, n).join('');

function sides(clause: string, start: number, end: number): ('left' | 'right')[] {
  const before = [...clause.slice(0, start).matchAll(SIDE)];
  let word = before.at(-1)?.[1];
  if (word === undefined) word = SIDE_AFTER.exec(codePoints(clause.slice(end), 40))?.[1];
  return word === 'left' || word === 'right' ? [word] : ['left', 'right'];
}

export function extractLabels(text: string): Set<Label> {
  const found = new Set<Label>();
  for (const clause of clauses(text)) {
    for (const [name, pattern] of PATTERNS) {
      for (const m of clause.matchAll(pattern)) {
        const start = m.index;
        const end = start + m[0].length;
        if (negated(clause, start, end)) continue;
        if (name === 'pleural effusion' || name === 'pneumothorax') {
          for (const side of sides(clause, start, end)) found.add(`${side} ${name}`);
        } else found.add(name);
      }
    }
  }
  return found;
}
