// Grounding answers in the model's convention, naming the finding as the training answers name it.
import { describe, expect, it } from 'vitest';
import {
  findingName,
  groundingAnswer,
} from '../../../../../src/main/services/feedback/export/grounding-answer';

const box = (normalized: [number, number, number, number]) => ({
  pixel: { x: 0, y: 0, width: 1, height: 1 },
  normalized,
});

describe('grounding answers', () => {
  it('names a one-finding sentence by its label, as the model was trained', () => {
    expect(findingName('There is a small left pleural effusion.')).toBe('left pleural effusion');
    expect(findingName('The heart is enlarged.')).toBe('cardiomegaly');
  });

  it('names other text without its article, full stop or capital', () => {
    expect(findingName('The left hilum.')).toBe('left hilum');
    expect(findingName('An opacity.')).toBe('opacity');
    expect(findingName('ICU line.')).toBe('ICU line');
  });

  it('joins several boxes with ", " and " and "', () => {
    const answer = groundingAnswer('Patchy consolidation in the left lower lobe.', [
      box([0.1, 0.2, 0.3, 0.4]),
      box([0.5, 0.5, 0.6, 0.6]),
      box([0.7, 0.1, 0.9, 0.2]),
    ]);
    expect(answer).toBe(
      'The consolidation is located at the coordinates [0.10, 0.20, 0.30, 0.40], [0.50, 0.50, 0.60, 0.60] and [0.70, 0.10, 0.90, 0.20] on the image.',
    );
  });
});
