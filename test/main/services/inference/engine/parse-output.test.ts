// Model output parsing, including the malformed and hostile text an untrained or looping model writes.
import { describe, expect, it } from 'vitest';
import {
  parseModelOutput,
  splitThinking,
} from '../../../../../src/main/services/inference/engine/parse-output';

const radvlm = (text: string) => parseModelOutput(text, 'radvlm-fraction-xyxy');
const qwen = (text: string) => parseModelOutput(text, 'qwen-bbox-2d-1000');

describe('radvlm-fraction-xyxy', () => {
  it('reads one box and its finding', () => {
    const out = radvlm(
      'The pleural effusion is located at the coordinates [0.61, 0.63, 0.86, 0.86] on the image.',
    );
    expect(out.boxes).toEqual([{ x1: 0.61, y1: 0.63, x2: 0.86, y2: 0.86, label: 'pleural effusion' }]);
    expect(out.dropped).toEqual([]);
    expect(out.text).toBe(
      'The pleural effusion is located at the coordinates [0.61, 0.63, 0.86, 0.86] on the image.',
    );
  });

  it('reads several boxes joined by ", " and " and "', () => {
    const out = radvlm(
      'The opacities are located at the coordinates [0.1, 0.2, 0.3, 0.4], [0.5, 0.5, 0.7, 0.9] and [0.05, 0.6, 0.2, 0.95] on the image.',
    );
    expect(out.boxes.map((b) => [b.x1, b.y1, b.x2, b.y2])).toEqual([
      [0.1, 0.2, 0.3, 0.4],
      [0.5, 0.5, 0.7, 0.9],
      [0.05, 0.6, 0.2, 0.95],
    ]);
    expect(new Set(out.boxes.map((b) => b.label))).toEqual(new Set(['opacities']));
  });

  it('labels each box with its own sentence', () => {
    const out = radvlm(
      'Findings: The cardiomegaly is located at the coordinates [0.3, 0.4, 0.7, 0.8] on the image. The left pleural effusion is located at the coordinates [0.6, 0.6, 0.9, 0.9] on the image.',
    );
    expect(out.boxes.map((b) => b.label)).toEqual(['cardiomegaly', 'left pleural effusion']);
  });

  it('keeps boxes without the grounding phrase, unlabelled', () => {
    expect(radvlm('[0.1, 0.1, 0.2, 0.2]').boxes).toEqual([
      { x1: 0.1, y1: 0.1, x2: 0.2, y2: 0.2, label: null },
    ]);
  });

  it('ignores bracketed prose and plain reports', () => {
    const out = radvlm('Lungs are clear [see prior]. No effusion.');
    expect(out.boxes).toEqual([]);
    expect(out.dropped).toEqual([]);
  });

  it.each([
    ['[0.1, 0.2, 0.3', 'unclosed bracket'],
    ['[1.2, 0.2, 0.3, 0.4]', 'coordinate 1.2 outside 0..1'],
    ['[-0.1, 0.2, 0.3, 0.4]', 'coordinate -0.1 outside 0..1'],
    ['[0.5, 0.2, 0.3, 0.4]', 'x2 < x1'],
    ['[0.1, 0.5, 0.3, 0.4]', 'y2 < y1'],
    ['[0.1, 0.2, 0.1, 0.4]', 'empty box'],
    ['[NaN, 0.2, 0.3, 0.4]', 'not a number: "NaN"'],
    ['[Infinity, 0.2, 0.3, 0.4]', 'not a number: "Infinity"'],
    ['[1e400, 0.2, 0.3, 0.4]', 'coordinate 1e400 outside 0..1'],
    ['[0.1, 0.2, 0.3]', 'expected 4 coordinates, got 3'],
    ['[0.1, 0.2, 0.3, 0.4, 0.5]', 'expected 4 coordinates, got 5'],
    ['[0.1, 0.2, , 0.4]', 'not a number: ""'],
    ['[0x1, 0.2, 0.3, 0.4]', 'not a number: "0x1"'],
    ['[0.1 0.2 0.3 0.4]', 'expected 4 coordinates, got 1'],
    ['[,,,]', 'not a number: ""'],
  ])('drops %j: %s', (box, reason) => {
    const text = `The nodule is located at the coordinates ${box} on the image.`;
    const out = radvlm(text);
    expect(out.boxes).toEqual([]);
    expect(out.dropped).toHaveLength(1);
    expect(out.dropped[0]!.reason).toBe(reason);
    expect(out.text).toBe(text);
  });

  it('drops a bracket opened inside another, and the inner list on its own merits', () => {
    const out = radvlm('[0.1, 0.2, [0.3, 0.4]');
    expect(out.dropped.map((d) => d.reason)).toEqual(['unclosed bracket', 'expected 4 coordinates, got 2']);
  });

  it('keeps the good boxes next to a bad one', () => {
    const out = radvlm(
      'The masses are located at the coordinates [0.1, 0.1, 0.2, 0.2], [0.9, 0.1, 0.2, 0.2] and [0.3, 0.3, 0.4, 0.4] on the image.',
    );
    expect(out.boxes).toHaveLength(2);
    expect(out.dropped).toEqual([{ text: '[0.9, 0.1, 0.2, 0.2]', reason: 'x2 < x1' }]);
  });

  it('drops a duplicate box', () => {
    const out = radvlm('[0.1, 0.1, 0.2, 0.2] and [0.1, 0.1, 0.2, 0.2]');
    expect(out.boxes).toHaveLength(1);
    expect(out.dropped[0]!.reason).toBe('duplicate box');
  });

  it('cuts a runaway box list to one box', () => {
    const text = `The effusion is located at the coordinates ${'[0.61, 0.63, 0.86, 0.86], '.repeat(60)}`;
    const out = radvlm(text);
    expect(out.boxes).toHaveLength(1);
    expect(out.repetition?.copies).toBeGreaterThan(50);
    expect(out.text).toBe('The effusion is located at the coordinates [0.61, 0.63, 0.86, 0.86],');
  });
});

describe('qwen-bbox-2d-1000', () => {
  it('reads a fenced JSON list, scaled from 0..1000', () => {
    const out = qwen(
      '```json\n[\n  {"bbox_2d": [610, 630, 860, 860], "label": "pleural effusion"},\n  {"bbox_2d": [100, 200, 300, 400], "label": "nodule"}\n]\n```',
    );
    expect(out.boxes).toEqual([
      { x1: 0.61, y1: 0.63, x2: 0.86, y2: 0.86, label: 'pleural effusion' },
      { x1: 0.1, y1: 0.2, x2: 0.3, y2: 0.4, label: 'nodule' },
    ]);
    expect(out.dropped).toEqual([]);
  });

  it('reads a single object, label first, with escapes', () => {
    const out = qwen('{"label": "\\"left\\" base \\u00e9", "bbox_2d": [0, 0, 1000, 1000]}');
    expect(out.boxes).toEqual([{ x1: 0, y1: 0, x2: 1, y2: 1, label: '"left" base é' }]);
  });

  it('keeps a box whose object the token budget cut after the coordinates, without its label', () => {
    const out = qwen('[{"bbox_2d": [100, 100, 200, 200], "label": "nod');
    expect(out.boxes).toEqual([{ x1: 0.1, y1: 0.1, x2: 0.2, y2: 0.2, label: null }]);
  });

  it('does not take the next object label for an unclosed one', () => {
    const out = qwen('[{"bbox_2d": [100, 100, 200, 200], {"bbox_2d": [300, 300, 400, 400], "label": "b"}]');
    expect(out.boxes.map((b) => b.label)).toEqual([null, 'b']);
  });

  it.each([
    ['{"bbox_2d": [100, 100, 200', 'unclosed bracket'],
    ['{"bbox_2d": [100, 100, 2000, 300]}', 'coordinate 2000 outside 0..1000'],
    ['{"bbox_2d": [500, 100, 200, 300]}', 'x2 < x1'],
    ['{"bbox_2d": [1, 2, 3]}', 'expected 4 coordinates, got 3'],
    ['{"bbox_2d": "100,100,200,200"}', 'bbox_2d is not a list'],
    ['{"bbox_2d": [null, 1, 2, 3]}', 'not a number: "null"'],
  ])('drops %j: %s', (text, reason) => {
    const out = qwen(text);
    expect(out.boxes).toEqual([]);
    expect(out.dropped.map((d) => d.reason)).toEqual([reason]);
  });

  it('leaves the radvlm notation alone', () => {
    expect(qwen('located at the coordinates [0.1, 0.1, 0.2, 0.2]').boxes).toEqual([]);
  });
});

describe('thinking', () => {
  it('sets <think> blocks apart from the answer', () => {
    const out = radvlm('<think>\nThe left base is dense.\n</think>\n\nSmall left pleural effusion.');
    expect(out.text).toBe('Small left pleural effusion.');
    expect(out.thinking).toEqual(['The left base is dense.']);
  });

  it('takes the text before a lone </think> as thinking (the prompt opened the block)', () => {
    expect(splitThinking('checking the apices</think>\nNo pneumothorax.')).toEqual({
      text: 'No pneumothorax.',
      thinking: ['checking the apices'],
    });
  });

  it('treats an unclosed <think> as thinking to the end', () => {
    expect(splitThinking('Heart normal. <think>wait, the hila')).toEqual({
      text: 'Heart normal.',
      thinking: ['wait, the hila'],
    });
  });

  it('drops empty blocks, handles several and stray closers', () => {
    expect(splitThinking('<think>\n\n</think>\n\nA.<think>b</think> C.</think>')).toEqual({
      text: 'A. C.',
      thinking: ['b'],
    });
  });

  it('finds no box inside thinking', () => {
    const out = radvlm('<think>maybe [0.1, 0.1, 0.2, 0.2]</think>No finding.');
    expect(out.boxes).toEqual([]);
  });
});

describe('hostile output never throws', () => {
  const hostile = [
    '',
    '[',
    ']',
    '[[[[[[[[',
    ']]]]][[[[',
    '[]',
    '[,]',
    '{"bbox_2d": ',
    '{"bbox_2d": [',
    '"bbox_2d":"bbox_2d":[1,2,3,4]]',
    '<think>',
    '</think>',
    '<think><think></think></think>',
    '\u0000\u0001\uffff\ud800',
    '🫁'.repeat(1000),
    '[0.1, 0.2, 0.3, 0.4'.repeat(500),
    ' '.repeat(100000) + 'is located at the coordinates [0.1, 0.1, 0.2, 0.2]',
    'is located at the coordinates '.repeat(2000),
    `{"label": "${'\\'.repeat(1001)}", "bbox_2d": [1, 2, 3, 4]}`,
    '[0.1, 0.1, 0.2, 0.2]'.repeat(5000),
    'a'.repeat(200000),
  ];
  it.each(hostile.map((h, i) => [i, h] as const))('case %i', (_, text) => {
    for (const parse of [radvlm, qwen]) {
      const out = parse(text);
      expect(typeof out.text).toBe('string');
      for (const b of out.boxes) {
        expect(0 <= b.x1 && b.x1 < b.x2 && b.x2 <= 1 && 0 <= b.y1 && b.y1 < b.y2 && b.y2 <= 1).toBe(true);
      }
      for (const d of out.dropped) expect(d.text.length).toBeLessThanOrEqual(121);
    }
  });
});
