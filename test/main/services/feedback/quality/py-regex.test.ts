import { describe, expect, it } from 'vitest';
import {
  pyMatch,
  pyRegex,
  pySearch,
  pyStrip,
} from '../../../../../src/main/services/feedback/quality/py-regex';

describe('pyRegex', () => {
  it('gives \\b, \\w and \\s their Unicode meaning, as Python has them', () => {
    expect(pyRegex(String.raw`effusion\b`).test('effusioné')).toBe(false);
    expect(pyRegex(String.raw`^\w+$`).test('épanchement')).toBe(true);
    expect('a\u001cb\u0085c\ufeffd'.split(pyRegex(String.raw`\s`))).toEqual(['a', 'b', 'c\ufeffd']);
  });

  it('refuses escapes it has no exact stand-in for', () => {
    expect(() => pyRegex(String.raw`\d+`)).toThrow(/\\d is not supported/);
    expect(() => pyRegex(String.raw`[\w-]`)).toThrow(/in a class/);
  });
});

describe('pySearch, pyMatch, pyStrip', () => {
  it('treat endpos as the end of the string and pos as a start that still sees what is before it', () => {
    const word = pyRegex(String.raw`\bno\b`, 'g');
    expect(pySearch(word, 'nothing', 0, 2)?.index).toBe(0);
    expect(pySearch(word, 'nothing', 0, 7)).toBeNull();
    expect(pySearch(pyRegex(String.raw`\bthing`, 'g'), 'nothing', 2, 7)).toBeNull();
    const sticky = pyRegex('b', 'y');
    expect(pyMatch(sticky, 'abc', 1)?.index).toBe(1);
    expect(pyMatch(sticky, 'abc', 0)).toBeNull();
    expect(pyStrip('\u0085 clause \u001f')).toBe('clause');
  });
});
