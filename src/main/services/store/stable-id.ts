import { createHash } from 'node:crypto';

/** 16 hex digits derived from a natural key: re-importing gives the same ids, and no path leaks. */
export const stableId = (...parts: string[]): string =>
  createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 16);
