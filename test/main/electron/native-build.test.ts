import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  addonAbi,
  betterSqliteBinding,
  electronBinary,
  parseBuildRecord,
  rebuildReason,
  type ElectronBuildRecord,
} from '../../../src/main/electron/native-build';
import { ROOT } from '../../helpers/paths';

const wanted: ElectronBuildRecord = {
  electron: '45.5.0',
  abi: '150',
  platform: 'linux',
  arch: 'x64',
  modules: { 'better-sqlite3': '12.11.1' },
};

describe('which better-sqlite3 build Electron loads', () => {
  it('the unpackaged app loads native/electron-<its ABI>/, a packaged app node_modules’ own', () => {
    expect(betterSqliteBinding({ isPackaged: false, appPath: '/repo', abi: '150' })).toBe(
      join('/repo', 'native', 'electron-150', 'better_sqlite3.node'),
    );
    expect(
      betterSqliteBinding({ isPackaged: true, appPath: '/opt/Lightbox/resources/app.asar', abi: '150' }),
    ).toBe(undefined);
    expect(electronBinary('/repo', '146', 'better-sqlite3')).toBe(
      join('/repo', 'native', 'electron-146', 'better_sqlite3.node'),
    );
  });
});

describe('when the Electron build is remade', () => {
  it('not when the recorded build matches and every binary is there', () => {
    expect(rebuildReason(structuredClone(wanted), wanted, [])).toBeNull();
  });

  it('when there is none, or for another Electron, ABI, machine or module version', () => {
    expect(rebuildReason(null, wanted, [])).toMatch(/no Electron build .* ABI 150/);
    expect(rebuildReason({ ...wanted, electron: '45.4.0' }, wanted, [])).toBe(
      'built for Electron 45.4.0, Electron 45.5.0 is installed',
    );
    expect(rebuildReason({ ...wanted, abi: '146' }, wanted, [])).toMatch(/ABI 146.*needs ABI 150/);
    expect(rebuildReason({ ...wanted, arch: 'arm64' }, wanted, [])).toMatch(/linux-arm64.*linux-x64/);
    expect(rebuildReason({ ...wanted, modules: { 'better-sqlite3': '12.10.0' } }, wanted, [])).toBe(
      'better-sqlite3 12.10.0 was built, 12.11.1 is installed',
    );
    expect(rebuildReason({ ...wanted, modules: {} }, wanted, [])).toMatch(/better-sqlite3 \(not built\)/);
  });

  it('when a recorded binary has gone', () => {
    expect(rebuildReason(wanted, wanted, ['native/electron-150/better_sqlite3.node'])).toBe(
      'missing native/electron-150/better_sqlite3.node',
    );
  });

  it('reads build.json, and treats a missing, broken or foreign one as no build', () => {
    expect(parseBuildRecord(JSON.stringify(wanted))).toEqual(wanted);
    expect(parseBuildRecord(null)).toBeNull();
    expect(parseBuildRecord('{"electron": "45.5.0"')).toBeNull();
    expect(parseBuildRecord(JSON.stringify({ ...wanted, abi: 150 }))).toBeNull();
    expect(parseBuildRecord(JSON.stringify({ ...wanted, modules: { 'better-sqlite3': 12 } }))).toBeNull();
  });
});

describe('the ABI a native addon was built for', () => {
  it('reads a V8-API addon’s ABI from its registration symbol', () => {
    const node = readFileSync(join(ROOT, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'));
    expect(addonAbi(node)).toEqual({ kind: 'v8', abi: process.versions.modules });
  });

  it('recognises Node-API addons for every platform, and files that are no Node addon', () => {
    for (const platform of ['linux/x64', 'win32/x64', 'darwin/arm64']) {
      const file = join(
        ROOT,
        'node_modules/onnxruntime-node/bin/napi-v6',
        platform,
        'onnxruntime_binding.node',
      );
      expect(addonAbi(readFileSync(file)), platform).toEqual({ kind: 'node-api' });
    }
    // better-sqlite3's SQLite test extension is a shared library SQLite loads, not Node.
    const extension = readFileSync(
      join(ROOT, 'node_modules/better-sqlite3/build/Release/test_extension.node'),
    );
    expect(addonAbi(extension)).toBeNull();
  });
});
