// A phrase-grounding answer to boxes in pixels of the original image. The answer is untrusted model text:
// whatever cannot be read as a box is kept as a dropped box with the reason, and an answer without any box
// says so, so that the reader sees why a finding has none.
import type { Box, DroppedBox } from '../../../shared/draft';
import { parseModelOutput, type BoxFormat } from './engine/parse-output';
import { toPixelBox, type ImageSize } from './engine/pixel-box';

const EXCERPT = 120;

export function boxesFromGrounding(
  answer: string,
  format: BoxFormat,
  image: ImageSize,
): { boxes: Box[]; dropped: DroppedBox[] } {
  const parsed = parseModelOutput(answer, format);
  const dropped: DroppedBox[] = parsed.dropped.map(({ reason, text }) => ({ reason, text }));
  const boxes: Box[] = [];
  for (const box of parsed.boxes) {
    const pixels = toPixelBox(box, image);
    if (pixels.width > 0 && pixels.height > 0) boxes.push(pixels);
    else
      dropped.push({
        reason: 'box smaller than a pixel',
        text: `[${box.x1}, ${box.y1}, ${box.x2}, ${box.y2}]`,
      });
  }
  if (boxes.length === 0 && dropped.length === 0) {
    const text = parsed.text.length > EXCERPT ? `${parsed.text.slice(0, EXCERPT)}…` : parsed.text;
    dropped.push({ reason: 'the answer holds no box', text });
  }
  return { boxes, dropped };
}
