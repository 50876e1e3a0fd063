import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SAMPLES = resolve(ROOT, 'samples');
export const FIXTURES = resolve(ROOT, 'test/fixtures');
