// Validates electron-builder.yml against electron-builder's own JSON schema, and checks the
// packaging rules a working install depends on.
import Ajv from 'ajv';
import { load } from 'js-yaml';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths';

const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
const config = load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

describe('electron-builder.yml', () => {
  it('is valid against electron-builder’s schema', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const valid = validate(config);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check itself rejects a broken config', () => {
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate({ ...config, asarUnpack: 42 })).toBe(false);
    expect(validate({ ...config, notAnOption: true })).toBe(false);
  });

  it('targets every platform site IT installs on', () => {
    expect(config.linux).toMatchObject({ target: ['AppImage', 'deb'] });
    expect(config.win).toMatchObject({ target: ['nsis'] });
    expect(config.mac).toMatchObject({ target: ['dmg'] });
  });

  it('unpacks native modules, onnxruntime binaries and Cornerstone codecs, and ships models as resources', () => {
    const unpack = config.asarUnpack as string[];
    expect(unpack).toEqual(
      expect.arrayContaining([
        '**/*.node',
        'node_modules/onnxruntime-node/bin/**',
        'dist/renderer/**/*.wasm',
      ]),
    );
    const resources = config.extraResources as { from: string; to: string }[];
    expect(resources.map((r) => r.from)).toEqual(expect.arrayContaining(['models', 'samples']));
    for (const r of resources) expect(existsSync(join(ROOT, r.from))).toBe(true);
  });

  it('points at the built entry points', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist/main/index.cjs');
    expect(config.files).toEqual(expect.arrayContaining(['dist/**', 'package.json']));
  });
});
