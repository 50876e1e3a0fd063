// Model text to a report and boxes, per the box format the pack's manifest declares. Model output is
// untrusted: nothing here throws on it. A box that cannot be read or makes no sense is dropped with a
// reason, the text is kept, <think> blocks are set apart and a runaway repetition is cut to one copy.
import type { FractionBox } from './pixel-box';
import { truncateRunawayRepetition, type Repetition } from './runaway-repetition';

/**
 * radvlm-fraction-xyxy: "The {finding} is located at the coordinates [x1, y1, x2, y2] on the image.", fractions
 * of the image, several boxes joined by ", " and " and ". qwen-bbox-2d-1000: {"bbox_2d": [x1, y1, x2, y2],
 * "label": ...} objects, 0..1000 of the image (the resized image the model saw covers the whole original, so
 * the same fraction of either).
 */
export type BoxFormat = 'radvlm-fraction-xyxy' | 'qwen-bbox-2d-1000';

export type LabelledBox = FractionBox & { label: string | null };
export type DroppedBox = { text: string; reason: string };

export type ParsedOutput = {
  /** The answer: thinking removed, a runaway repetition cut, boxes left in place. */
  text: string;
  /** Contents of <think> blocks, in order. */
  thinking: string[];
  boxes: LabelledBox[];
  dropped: DroppedBox[];
  repetition: Repetition | null;
};

const OPEN_THINK = '<think>';
const CLOSE_THINK = '</think>';
const EXCERPT = 120;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

const excerpt = (s: string) => (s.length > EXCERPT ? `${s.slice(0, EXCERPT)}…` : s);

/** Text outside <think> blocks, and their contents. A block left open takes the rest of the output. */
export function splitThinking(raw: string): { text: string; thinking: string[] } {
  const thinking: string[] = [];
  let rest = raw;
  // The prompt may have opened the block itself: then the output starts inside it.
  const firstClose = rest.indexOf(CLOSE_THINK);
  const firstOpen = rest.indexOf(OPEN_THINK);
  if (firstClose >= 0 && (firstOpen < 0 || firstClose < firstOpen)) {
    thinking.push(rest.slice(0, firstClose));
    rest = rest.slice(firstClose + CLOSE_THINK.length);
  }
  let text = '';
  for (;;) {
    const open = rest.indexOf(OPEN_THINK);
    if (open < 0) {
      text += rest;
      break;
    }
    text += rest.slice(0, open);
    const close = rest.indexOf(CLOSE_THINK, open + OPEN_THINK.length);
    if (close < 0) {
      thinking.push(rest.slice(open + OPEN_THINK.length));
      break;
    }
    thinking.push(rest.slice(open + OPEN_THINK.length, close));
    rest = rest.slice(close + CLOSE_THINK.length);
  }
  return {
    text: text.replaceAll(CLOSE_THINK, '').trim(),
    thinking: thinking.map((t) => truncateRunawayRepetition(t.trim()).text).filter((t) => t.length > 0),
  };
}

/** Four coordinates in 0..scale, as fractions; or why not. */
function readBox(body: string, scale: number): FractionBox | string {
  const parts = body.split(',').map((p) => p.trim());
  if (parts.length !== 4) return `expected 4 coordinates, got ${parts.length}`;
  const values: number[] = [];
  for (const part of parts) {
    if (!NUMBER.test(part)) return `not a number: ${excerpt(JSON.stringify(part))}`;
    const value = Number(part);
    if (!Number.isFinite(value) || value < 0 || value > scale)
      return `coordinate ${part} outside 0..${scale}`;
    values.push(value / scale);
  }
  const [x1, y1, x2, y2] = values as [number, number, number, number];
  if (x2 < x1) return `x2 < x1`;
  if (y2 < y1) return `y2 < y1`;
  if (x2 === x1 || y2 === y1) return 'empty box';
  return { x1, y1, x2, y2 };
}

/** The bracketed list starting at `open`, or null when it is not closed before the next "[". */
function bracketBody(text: string, open: number): { body: string; close: number } | null {
  const close = text.indexOf(']', open + 1);
  const nested = text.indexOf('[', open + 1);
  if (close < 0 || (nested >= 0 && nested < close)) return null;
  return { body: text.slice(open + 1, close), close };
}

const GROUNDING = /^(.*?)\s+(?:is|are)\s+(?:located|seen|found|visible)\s+at\s+(?:the\s+)?coordinates?\b/is;

/** Labels are short: a longer look-back only costs time on hostile text. */
const LABEL_LOOKBACK = 300;

/** "The {finding} is located at the coordinates" in the sentence before `at`. */
function radvlmLabel(text: string, at: number): string | null {
  const before = text.slice(Math.max(0, at - LABEL_LOOKBACK), at);
  let start = 0;
  for (let i = before.length - 1; i >= 0; i--) {
    if (before[i] === '\n' || ('.!?'.includes(before[i]!) && /\s/.test(before[i + 1] ?? ''))) {
      start = i + 1;
      break;
    }
  }
  const match = GROUNDING.exec(before.slice(start).trim());
  const label = match?.[1]?.replace(/^(?:[\p{L} ]+:\s*)?(?:the\s+)?/iu, '').trim();
  return label ? label : null;
}

function radvlmBoxes(text: string, boxes: LabelledBox[], dropped: DroppedBox[]): void {
  // A bracket with neither digits nor commas ("[left]") is prose, not a box attempt.
  const attempt = (s: string) => /[\d,]|nan|inf/i.test(s);
  for (let open = text.indexOf('['); open >= 0; open = text.indexOf('[', open + 1)) {
    const found = bracketBody(text, open);
    if (!found) {
      const next = text.indexOf('[', open + 1);
      const tail = text.slice(open, next >= 0 ? next : undefined);
      if (attempt(tail)) dropped.push({ text: excerpt(tail), reason: 'unclosed bracket' });
      continue;
    }
    if (!attempt(found.body)) continue;
    const box = readBox(found.body, 1);
    const source = text.slice(open, found.close + 1);
    if (typeof box === 'string') dropped.push({ text: excerpt(source), reason: box });
    else boxes.push({ ...box, label: radvlmLabel(text, open) });
    open = found.close;
  }
}

const LABEL = /["']label["']\s*:\s*"((?:[^"\\]|\\.)*)"/;

function qwenLabel(text: string, from: number, to: number): string | null {
  const match = LABEL.exec(text.slice(from, to));
  if (!match) return null;
  try {
    return JSON.parse(`"${match[1]}"`) as string;
  } catch {
    return match[1] ?? null;
  }
}

function qwenBoxes(text: string, boxes: LabelledBox[], dropped: DroppedBox[]): void {
  let previousEnd = 0;
  for (const key of text.matchAll(/["']bbox_2d["']\s*:\s*/g)) {
    const at = key.index + key[0].length;
    const objectStart = Math.max(previousEnd, text.lastIndexOf('{', key.index));
    if (text[at] !== '[') {
      dropped.push({ text: excerpt(text.slice(key.index, key.index + 40)), reason: 'bbox_2d is not a list' });
      continue;
    }
    const found = bracketBody(text, at);
    if (!found) {
      dropped.push({ text: excerpt(text.slice(key.index)), reason: 'unclosed bracket' });
      continue;
    }
    // The object ends at its "}", or where the next one starts when the model never closed it.
    const closeBrace = text.indexOf('}', found.close);
    const nextBrace = text.indexOf('{', found.close);
    const objectEnd = [closeBrace, nextBrace, text.length]
      .filter((i) => i >= 0)
      .reduce((a, b) => Math.min(a, b));
    previousEnd = objectEnd;
    const box = readBox(found.body, 1000);
    if (typeof box === 'string')
      dropped.push({ text: excerpt(text.slice(key.index, found.close + 1)), reason: box });
    else boxes.push({ ...box, label: qwenLabel(text, objectStart, objectEnd) });
  }
}

export function parseModelOutput(raw: string, format: BoxFormat): ParsedOutput {
  const { text: answer, thinking } = splitThinking(raw);
  const { text, repetition } = truncateRunawayRepetition(answer);
  const found: LabelledBox[] = [];
  const dropped: DroppedBox[] = [];
  if (format === 'radvlm-fraction-xyxy') radvlmBoxes(text, found, dropped);
  else qwenBoxes(text, found, dropped);
  const boxes: LabelledBox[] = [];
  for (const box of found) {
    const same = (b: LabelledBox) => b.x1 === box.x1 && b.y1 === box.y1 && b.x2 === box.x2 && b.y2 === box.y2;
    if (boxes.some(same))
      dropped.push({ text: `[${box.x1}, ${box.y1}, ${box.x2}, ${box.y2}]`, reason: 'duplicate box' });
    else boxes.push(box);
  }
  return { text, thinking, boxes, dropped, repetition };
}
