// The grounding stage of the draft fed with bad model output: the finding keeps its text, what cannot be a
// box is dropped with the reason, nothing throws; good boxes land on pixels of the original image.
import { describe, expect, it } from 'vitest';
import { boxesFromGrounding } from '../../../../src/main/services/inference/finding-boxes';

const image = { width: 2000, height: 2500 };
const radvlm = (answer: string) => boxesFromGrounding(answer, 'radvlm-fraction-xyxy', image);

describe('boxesFromGrounding', () => {
  it('maps RadVLM fraction boxes to pixels of the original image', () => {
    expect(
      radvlm(
        'The pleural effusion is located at the coordinates [0.61, 0.63, 0.86, 0.86] and [0.1, 0.2, 0.3, 0.4] on the image.',
      ),
    ).toEqual({
      boxes: [
        { x: 1220, y: 1575, width: 500, height: 575 },
        { x: 200, y: 500, width: 400, height: 500 },
      ],
      dropped: [],
    });
  });

  it('maps Qwen bbox_2d boxes (0..1000) the same way', () => {
    const answer = '```json\n[{"bbox_2d": [610, 630, 860, 860], "label": "effusion"}]\n```';
    expect(boxesFromGrounding(answer, 'qwen-bbox-2d-1000', image).boxes).toEqual([
      { x: 1220, y: 1575, width: 500, height: 575 },
    ]);
  });

  it.each([
    ['an unclosed bracket', 'The nodule is located at the coordinates [0.2, 0.3, 0.4', 'unclosed bracket'],
    [
      'numbers outside 0..1',
      'The mass is located at the coordinates [0.2, 0.3, 1.4, 0.5] on the image.',
      'coordinate 1.4 outside 0..1',
    ],
    ['x2 < x1', 'The opacity is located at the coordinates [0.7, 0.3, 0.4, 0.5] on the image.', 'x2 < x1'],
    [
      'three numbers',
      'The line is located at the coordinates [0.7, 0.3, 0.4] on the image.',
      'expected 4 coordinates, got 3',
    ],
    [
      'words for numbers',
      'The tube is located at the coordinates [a, b, c, d] on the image.',
      'not a number: "a"',
    ],
    [
      'a box under a pixel',
      'The clip is located at the coordinates [0.5, 0.5, 0.5002, 0.6] on the image.',
      'box smaller than a pixel',
    ],
  ])('drops %s with the reason', (_case, answer, reason) => {
    const { boxes, dropped } = radvlm(answer);
    expect(boxes).toEqual([]);
    expect(dropped).toEqual([{ reason, text: expect.any(String) }]);
  });

  it('keeps one box from a runaway repetition and says when an answer has no box at all', () => {
    const loop = 'The effusion is located at the coordinates [0.1, 0.2, 0.3, 0.4]. '.repeat(40);
    expect(radvlm(loop)).toEqual({ boxes: [{ x: 200, y: 500, width: 400, height: 500 }], dropped: [] });
    expect(radvlm(' Comment Comment Comment Comment Comment Comment Comment Comment')).toEqual({
      boxes: [],
      dropped: [{ reason: 'the answer holds no box', text: 'Comment' }],
    });
    expect(radvlm('<think>where is it? [0.1, 0.2, 0.3, 0.4]</think>Nowhere.').dropped).toEqual([
      { reason: 'the answer holds no box', text: 'Nowhere.' },
    ]);
  });

  it('never throws on hostile text', () => {
    const nasty = [
      '[',
      ']',
      '[[[[',
      '[0.1, 0.2, 0.3, 0.4',
      '\u0000',
      '[NaN, 1e999, -0, 0x1]',
      '{"bbox_2d": [',
    ];
    for (const answer of nasty) {
      expect(() => radvlm(answer)).not.toThrow();
      expect(() => boxesFromGrounding(answer, 'qwen-bbox-2d-1000', image)).not.toThrow();
    }
  });
});
