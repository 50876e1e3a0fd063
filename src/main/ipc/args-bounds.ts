// A cheap walk over an IPC argument before anything serialises or parses it. Structured clone carries
// `new Array(5e7)` or a sparse array in a few bytes, and cycles; JSON.stringify or zod would then spend
// seconds on the main thread. The walk reads each array's length before its elements and stops at the
// first excess, so what it touches is bounded by the limits, not by the value.

/** Above any call the app makes; the contract's schemas then bound each field tightly. */
export const ARGS_LIMITS = {
  /** Values of every kind, the root included; an array's length counts against it before it is read. */
  nodes: 10_000,
  /** The contract's deepest argument is three levels below the root. */
  depth: 8,
  /** All string characters together, keys included. */
  chars: 1_000_000,
} as const;

export type ArgsLimits = { nodes: number; depth: number; chars: number };

export const TOO_LARGE = 'Request arguments are too large.';
export const TOO_DEEP = 'Request arguments are nested too deeply.';
export const NOT_PLAIN = 'Invalid request arguments: only plain data is accepted.';

/** Objects the contract can describe: literals and JSON-like objects, not Maps, typed arrays or Dates. */
const isPlainObject = (value: object): boolean => {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/** null when the value is within the limits and plain data; otherwise the refusal for the user. */
export function argsOutOfBounds(root: unknown, limits: ArgsLimits = ARGS_LIMITS): string | null {
  let nodes = 0;
  let chars = 0;
  const stack: { value: unknown; depth: number }[] = [{ value: root, depth: 0 }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { value, depth } = item;
    nodes += 1;
    if (nodes > limits.nodes) return TOO_LARGE;
    switch (typeof value) {
      case 'string':
        chars += value.length;
        if (chars > limits.chars) return TOO_LARGE;
        continue;
      case 'number':
      case 'boolean':
      case 'undefined':
        continue;
      case 'object':
        break;
      default:
        return NOT_PLAIN;
    }
    if (value === null) continue;
    if (depth >= limits.depth) return TOO_DEEP;
    if (Array.isArray(value)) {
      // Holes count: an array is as large as its length says, whatever the clone carried.
      if (value.length > limits.nodes - nodes - stack.length) return TOO_LARGE;
      for (let i = 0; i < value.length; i += 1) stack.push({ value: value[i] as unknown, depth: depth + 1 });
      continue;
    }
    if (!isPlainObject(value)) return NOT_PLAIN;
    for (const key in value) {
      chars += key.length;
      if (chars > limits.chars || nodes + stack.length >= limits.nodes) return TOO_LARGE;
      stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1 });
    }
  }
  return null;
}
