// Prompts and answers in the model's own conventions, so that exported rows train the model on the text
// it reads and writes: the pack's phrase-grounding template filled with the finding (as the drafting
// pipeline fills it), and radvlm-fraction-xyxy answers, "The {finding} is located at the coordinates
// [x1, y1, x2, y2] on the image." with fractions to 2 decimals, several boxes joined by ", " and " and ".
import type { RecordBox } from '../../../../shared/feedback';
import { extractLabels } from '../quality/finding-labels';

export const fillPhrase = (template: string, phrase: string): string =>
  template.replaceAll('{phrase}', phrase);

/**
 * The finding as the answer names it. The model was trained on answers naming the finding label ("The left
 * pleural effusion is located ..."), so a sentence about one finding is named by that label; any other
 * text without its leading article and closing full stop, lower case unless an acronym.
 */
export function findingName(text: string): string {
  const labels = [...extractLabels(text)];
  if (labels.length === 1) return labels[0]!;
  const name = text
    .trim()
    .replace(/[\s.;:!]+$/u, '')
    .replace(/^(?:the|an?)\s+/iu, '');
  return /^\p{Lu}{2}/u.test(name) ? name : name.charAt(0).toLowerCase() + name.slice(1);
}

const formatBox = (box: RecordBox): string => `[${box.normalized.map((v) => v.toFixed(2)).join(', ')}]`;

export function groundingAnswer(finding: string, boxes: readonly RecordBox[]): string {
  const parts = boxes.map(formatBox);
  const joined = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : (parts[0] ?? '');
  return `The ${findingName(finding)} is located at the coordinates ${joined} on the image.`;
}
