// Every argument the renderer can send is bounded by the contract itself: each string and array has
// a maximum length and each number finite limits, so what zod accepts is small by construction.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { invokeChannels } from '../../src/shared/ipc-contract';

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: z.core.$ZodType): Def => schema._zod.def as unknown as Def;

/** The paths (channel.field.field...) of every unbounded string, array or number under the schema. */
function unbounded(schema: z.core.$ZodType, path: string): string[] {
  const def = defOf(schema);
  const inner = (key: string): z.core.$ZodType => def[key] as z.core.$ZodType;
  switch (def.type) {
    case 'string': {
      const max = (schema as z.ZodString).maxLength;
      return max !== null && Number.isFinite(max) ? [] : [`${path} (string without max)`];
    }
    case 'number': {
      const { minValue, maxValue } = schema as z.ZodNumber;
      return Number.isFinite(minValue) && Number.isFinite(maxValue)
        ? []
        : [`${path} (number without limits)`];
    }
    case 'array': {
      const checks = (def.checks as z.core.$ZodCheck[] | undefined) ?? [];
      const capped = checks.some((c) => ['max_length', 'length_equals'].includes(c._zod.def.check));
      return [
        ...(capped ? [] : [`${path} (array without max)`]),
        ...unbounded(inner('element'), `${path}[]`),
      ];
    }
    case 'object': {
      const shape = def.shape as Record<string, z.core.$ZodType>;
      return Object.entries(shape).flatMap(([key, s]) => unbounded(s, `${path}.${key}`));
    }
    case 'union':
      return (def.options as z.core.$ZodType[]).flatMap((o, i) => unbounded(o, `${path}|${i}`));
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
      return unbounded(inner('innerType'), path);
    case 'pipe':
      return [...unbounded(inner('in'), path), ...unbounded(inner('out'), path)];
    case 'enum':
    case 'literal':
    case 'boolean':
    case 'null':
      return [];
    default:
      return [`${path} (${def.type}: not known to be bounded)`];
  }
}

describe('the IPC contract', () => {
  it('bounds every string, array and number of every channel argument', () => {
    const found = Object.entries(invokeChannels).flatMap(([channel, { args }]) => unbounded(args, channel));
    expect(found).toEqual([]);
  });

  it('is what the walk inspects: an unbounded field anywhere is found', () => {
    const loose = z.object({
      a: z.string(),
      b: z.array(z.string().max(3)),
      c: z.object({ d: z.number().min(0) }).optional(),
      e: z.discriminatedUnion('k', [z.object({ k: z.literal('x'), f: z.number().max(1) })]),
    });
    expect(unbounded(loose, 'loose')).toEqual([
      'loose.a (string without max)',
      'loose.b (array without max)',
      'loose.c.d (number without limits)',
      'loose.e|0.f (number without limits)',
    ]);
  });
});
