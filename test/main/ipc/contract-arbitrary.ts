// Values a zod schema of the IPC contract accepts, as fast-check arbitraries: the edges of every bound
// (empty and longest strings, any code point, extreme numbers) so that fuzzing reaches the handlers
// rather than stopping at the schema. Built from the schema itself, so a new channel is covered as it is.
import fc from 'fast-check';
import type { z } from 'zod';

type Def = { type: string; checks?: z.core.$ZodCheck[]; [key: string]: unknown };
const defOf = (schema: z.core.$ZodType): Def => schema._zod.def as unknown as Def;

/** Arrays stay short: what a long one does is the bounds walk's and the schema's to refuse. */
const ARRAY_MAX = 4;

function text(schema: z.ZodString): fc.Arbitrary<string> {
  const def = defOf(schema);
  const pattern = [def, ...(def.checks ?? []).map((c) => c._zod.def as unknown as Def)]
    .map((d) => d.pattern)
    .find((p): p is RegExp => p instanceof RegExp);
  if (pattern) return fc.stringMatching(pattern);
  const minLength = schema.minLength ?? 0;
  const maxLength = schema.maxLength ?? 64;
  return fc.oneof(
    fc.string({ unit: 'binary', minLength, maxLength: Math.min(maxLength, 64) }),
    fc
      .constantFrom('/', '../../etc/passwd', 'a\0b', ' '.repeat(minLength) + '\u202e')
      .filter((s) => s.length >= minLength && s.length <= maxLength),
    fc.constant('\u{1F600}'.repeat(maxLength).slice(0, maxLength)),
  );
}

function number(schema: z.ZodNumber): fc.Arbitrary<number> {
  const min = Math.max(schema.minValue ?? -Number.MAX_VALUE, -Number.MAX_VALUE);
  const max = Math.min(schema.maxValue ?? Number.MAX_VALUE, Number.MAX_VALUE);
  if (schema.isInt) {
    return fc.integer({
      min: Math.max(Math.ceil(min), Number.MIN_SAFE_INTEGER),
      max: Math.min(Math.floor(max), Number.MAX_SAFE_INTEGER),
    });
  }
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

/** Values the schema may accept; filtered by the schema itself for what its checks add (refinements). */
export function arbitraryOf(schema: z.core.$ZodType): fc.Arbitrary<unknown> {
  const loose = unfiltered(schema);
  return loose.filter((value) => (schema as z.ZodType).safeParse(value).success);
}

function unfiltered(schema: z.core.$ZodType): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  const inner = (key: string): fc.Arbitrary<unknown> => unfiltered(def[key] as z.core.$ZodType);
  switch (def.type) {
    case 'string':
      return text(schema as z.ZodString);
    case 'number':
      return number(schema as z.ZodNumber);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries as Record<string, string>));
    case 'literal':
      return fc.constantFrom(...(def.values as unknown[]));
    case 'nullable':
      return fc.option(inner('innerType'), { nil: null });
    case 'optional':
      return inner('innerType');
    case 'array': {
      const bound = (check: string, key: string): number | undefined => {
        const found = (def.checks ?? []).find((c) => c._zod.def.check === check);
        return found ? ((found._zod.def as unknown as Record<string, number>)[key] ?? undefined) : undefined;
      };
      const minLength = bound('min_length', 'minimum') ?? 0;
      const maxLength = Math.max(minLength, Math.min(bound('max_length', 'maximum') ?? ARRAY_MAX, ARRAY_MAX));
      return fc.array(inner('element'), { minLength, maxLength });
    }
    case 'object': {
      const shape = def.shape as Record<string, z.core.$ZodType>;
      const keys = Object.keys(shape);
      const requiredKeys = keys.filter((k) => defOf(shape[k]!).type !== 'optional');
      const fields = Object.fromEntries(keys.map((k) => [k, unfiltered(shape[k]!)]));
      return fc.record(fields, { requiredKeys });
    }
    case 'union':
      return fc.oneof(...(def.options as z.core.$ZodType[]).map(unfiltered));
    case 'pipe':
      return inner('in');
    default:
      throw new Error(`no arbitrary for a ${def.type} schema: teach contract-arbitrary.ts`);
  }
}
