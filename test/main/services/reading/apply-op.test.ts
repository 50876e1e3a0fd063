// Edits that bring a box are kept on the reading's image before they are applied and stored.
import { describe, expect, it } from 'vitest';
import { BOX_OFF_IMAGE, NO_IMAGE_FOR_BOXES, opOnImage } from '../../../../src/main/services/reading/apply-op';

const image = { columns: 440, rows: 300 };

describe('opOnImage', () => {
  const box = { x: -20, y: 10, width: 40, height: 40 };
  it('clamps the box of box.add and box.update and leaves other edits alone', () => {
    const add = { type: 'box.add', findingId: 'a'.repeat(16), boxId: 'b'.repeat(16), box } as const;
    expect(opOnImage(add, image)).toEqual({ ...add, box: { x: 0, y: 10, width: 20, height: 40 } });
    const impression = { type: 'impression.set', text: 'x' } as const;
    expect(opOnImage(impression, null)).toBe(impression);
  });

  it('refuses a box off the image, and any box where the reading has no image', () => {
    const update = { type: 'box.update', boxId: 'b'.repeat(16), box: { ...box, x: -100 } } as const;
    expect(() => opOnImage(update, image)).toThrow(BOX_OFF_IMAGE);
    expect(() => opOnImage({ ...update, box }, null)).toThrow(NO_IMAGE_FOR_BOXES);
  });
});
