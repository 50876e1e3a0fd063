// Validates electron-builder.yml against electron-builder's own JSON schema, and checks the
// packaging rules a working, hardened install depends on.
import { FuseV1Options } from '@electron/fuses';
import Ajv from 'ajv';
import { build } from 'esbuild';
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

  it('flips every Electron fuse, each to the hardened value', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
      loadBrowserProcessSpecificV8Snapshot: false,
      resetAdHocDarwinSignature: true,
    });
    // A fuse added to electron-builder or @electron/fuses fails here until it is decided.
    const fuses = config.electronFuses as Record<string, boolean>;
    const builderFuses = Object.keys(
      (schema as { definitions: Record<string, { properties: object }> }).definitions.FuseOptionsV1!
        .properties,
    ).filter((k) => k !== 'resetAdHocDarwinSignature');
    const wire = Object.keys(FuseV1Options)
      .filter((k) => Number.isNaN(Number(k)))
      .map((k) => k[0]!.toLowerCase() + k.slice(1));
    expect(wire.sort()).toEqual(builderFuses.sort());
    for (const fuse of wire) expect(typeof fuses[fuse], fuse).toBe('boolean');
  });

  it('keeps integrity checking possible: the app is one asar whose hash electron-builder embeds', () => {
    expect(config.asar).toBe(true);
    expect(config.disableAsarIntegrity).toBeUndefined();
  });

  // With RunAsNode off, child_process.fork of the Electron binary runs the app again instead of Node.
  it('runs without RunAsNode: no code Electron runs imports child_process', async () => {
    const entries = [
      'src/main/electron/main.ts',
      'src/main/services/inference/inference-worker.ts',
      'src/main/services/dicom/pixels/render-thread.ts',
    ];
    for (const entry of entries) {
      const { metafile } = await build({
        entryPoints: [join(ROOT, entry)],
        bundle: true,
        platform: 'node',
        write: false,
        metafile: true,
        outfile: 'out.cjs',
        logLevel: 'silent',
        external: ['electron', 'better-sqlite3', 'onnxruntime-node', '@cornerstonejs/codec-*'],
      });
      const imported = Object.values(metafile.inputs).flatMap((input) => input.imports.map((i) => i.path));
      expect(imported.length, entry).toBeGreaterThan(10);
      expect(
        imported.filter((path) => /^(node:)?child_process$/.test(path)),
        entry,
      ).toEqual([]);
    }
  });

  it('signs macOS builds with the hardened runtime and only the JIT entitlement', () => {
    const mac = config.mac as Record<string, unknown>;
    expect(mac.hardenedRuntime).toBe(true);
    expect(mac.entitlements).toBe('build/entitlements.mac.plist');
    expect(mac.entitlementsInherit).toBe('build/entitlements.mac.plist');
    const plist = readFileSync(join(ROOT, mac.entitlements as string), 'utf8');
    expect([...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1])).toEqual([
      'com.apple.security.cs.allow-jit',
    ]);
  });

  it('takes signing secrets from the environment only, and signs Windows builds with SHA-256', () => {
    const secrets = /^(cscLink|cscKeyPassword|certificateFile|certificatePassword|identity)$/;
    const keys = (value: unknown): string[] =>
      typeof value === 'object' && value !== null
        ? Object.entries(value).flatMap(([k, v]) => [k, ...keys(v)])
        : [];
    expect(keys(config).filter((k) => secrets.test(k))).toEqual([]);
    expect(config.win).toMatchObject({
      signtoolOptions: { signingHashAlgorithms: ['sha256'] },
      signExts: ['.node'],
    });
  });

  it('documents for site IT each environment variable signing and notarisation read', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('\n## Packaging and signing\n');
    expect(start).toBeGreaterThan(0);
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    for (const variable of [
      'CSC_LINK',
      'CSC_KEY_PASSWORD',
      'WIN_CSC_LINK',
      'WIN_CSC_KEY_PASSWORD',
      'CSC_NAME',
      'CSC_IDENTITY_AUTO_DISCOVERY',
      'APPLE_API_KEY',
      'APPLE_API_KEY_ID',
      'APPLE_API_ISSUER',
      'APPLE_ID',
      'APPLE_APP_SPECIFIC_PASSWORD',
      'APPLE_TEAM_ID',
      'AZURE_TENANT_ID',
      'AZURE_CLIENT_ID',
      'AZURE_CLIENT_SECRET',
    ]) {
      expect(section, variable).toContain(`\`${variable}\``);
    }
  });
});
