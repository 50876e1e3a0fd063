// Each runtime gets a native build for its own ABI: Node's in node_modules (the CLI, the tests),
// Electron's in native/electron-<abi>/ (npm start), and `npm run dist` leaves Node's in place.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ABI_BOUND_MODULES,
  addonAbi,
  BUILD_RECORD,
  electronBinary,
  electronBuildDir,
  type ElectronBuildRecord,
} from '../../src/main/electron/native-build';
import { openDatabase } from '../../src/main/services/store/open-database';
import {
  electronBuildStatus,
  keepingNodeBuilds,
  verifyAbi,
  verifyPackagedBuild,
  wantedBuild,
} from '../../scripts/electron-native';
import { ROOT } from '../helpers/paths';
import { useTempDirs } from '../helpers/temp-dir';

const { getAbi } = createRequire(import.meta.url)('node-abi') as {
  getAbi(target: string, runtime: 'node' | 'electron'): string;
};
const tempDir = useTempDirs();
const nodeBuild = join(ROOT, 'node_modules/better-sqlite3', ABI_BOUND_MODULES[0].binary);
const json = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
const electronVersion = json(join(ROOT, 'node_modules/electron/package.json')).version as string;

function nodeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return nodeFiles(path);
    return entry.name.endsWith('.node') ? [path] : [];
  });
}

describe('Node’s build', () => {
  it('is built for the Node that runs the CLI and the tests, and loads there', () => {
    expect(addonAbi(readFileSync(nodeBuild))).toEqual({ kind: 'v8', abi: process.versions.modules });
    expect(getAbi(process.versions.node, 'node')).toBe(process.versions.modules);
    const db = new Database(':memory:');
    expect(db.prepare('select sqlite_version() as v').get()).toMatchObject({ v: expect.any(String) });
    db.close();
  });
});

describe('which native modules need a build per runtime', () => {
  it('every addon of a production dependency is Node-API or listed as ABI-bound', () => {
    const lock = json(join(ROOT, 'package-lock.json')) as { packages: Record<string, { dev?: boolean }> };
    const production = Object.entries(lock.packages).filter(([path, p]) => path !== '' && !p.dev);
    const bound = new Set<string>(ABI_BOUND_MODULES.map((m) => `node_modules/${m.name}`));
    const seen: Record<string, string[]> = { 'node-api': [], v8: [] };
    for (const [path] of production) {
      for (const file of nodeFiles(join(ROOT, path))) {
        const abi = addonAbi(readFileSync(file));
        const where = relative(ROOT, file);
        if (abi === null) {
          // Not a Node addon at all (better-sqlite3's SQLite test extension): it must not register with Node.
          expect(readFileSync(file).toString('latin1'), where).not.toMatch(
            /node_module_register|napi_module_register/,
          );
          continue;
        }
        seen[abi.kind]!.push(where);
        if (abi.kind === 'v8') expect(bound, `${where} uses V8's ABI`).toContain(path);
      }
    }
    // onnxruntime-node is Node-API, so one build serves Node and Electron; better-sqlite3 is not.
    expect(seen['node-api']!.some((f) => f.startsWith('node_modules/onnxruntime-node/'))).toBe(true);
    expect(seen.v8).toContain(relative(ROOT, nodeBuild));
  });
});

describe('Electron’s build', () => {
  it('is wanted for the installed Electron’s ABI, which differs from Node’s', async () => {
    const wanted = await wantedBuild(ROOT);
    expect(wanted.electron).toBe(electronVersion);
    expect(wanted.abi).toBe(getAbi(electronVersion, 'electron'));
    // The electron package records its own ABI: node-abi agrees with it.
    expect(readFileSync(join(ROOT, 'node_modules/electron/abi_version'), 'utf8').trim()).toBe(wanted.abi);
    expect(wanted.abi).not.toBe(process.versions.modules);
    expect(wanted.modules['better-sqlite3']).toBe(
      json(join(ROOT, 'node_modules/better-sqlite3/package.json')).version,
    );
  });

  it('a binary is accepted only for the ABI it was built for', async () => {
    await expect(verifyAbi(nodeBuild, process.versions.modules)).resolves.toBeUndefined();
    const electronAbi = getAbi(electronVersion, 'electron');
    await expect(verifyAbi(nodeBuild, electronAbi)).rejects.toThrow(
      `is built for ABI ${process.versions.modules}, not ABI ${electronAbi}`,
    );
    const napi = join(ROOT, 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node');
    await expect(verifyAbi(napi, electronAbi)).rejects.toThrow('is built for Node-API');
  });
});

describe('npm start’s decision to rebuild', () => {
  /** A checkout with the given Electron installed and, optionally, an Electron build on disk. */
  function checkout(
    electron: string,
    build?: { record: ElectronBuildRecord | string; binary: boolean },
  ): string {
    const root = tempDir();
    for (const [name, version] of [
      ['electron', electron],
      ['better-sqlite3', '12.11.1'],
    ]) {
      mkdirSync(join(root, 'node_modules', name!), { recursive: true });
      writeFileSync(join(root, 'node_modules', name!, 'package.json'), JSON.stringify({ name, version }));
    }
    if (build) {
      const abi = getAbi(electron, 'electron');
      mkdirSync(electronBuildDir(root, abi), { recursive: true });
      const text = typeof build.record === 'string' ? build.record : JSON.stringify(build.record);
      writeFileSync(join(electronBuildDir(root, abi), BUILD_RECORD), text);
      if (build.binary) cpSync(nodeBuild, electronBinary(root, abi, 'better-sqlite3'));
    }
    return root;
  }
  const record = (electron: string): ElectronBuildRecord => ({
    electron,
    abi: getAbi(electron, 'electron'),
    platform: process.platform,
    arch: process.arch,
    modules: { 'better-sqlite3': '12.11.1' },
  });

  it('builds on a fresh checkout', async () => {
    const { wanted, reason } = await electronBuildStatus(checkout('45.5.0'));
    expect(wanted.abi).toBe('150');
    expect(reason).toBe('no Electron build of the native modules for ABI 150');
  });

  it('starts without building when the build matches the installed Electron', async () => {
    expect(
      (await electronBuildStatus(checkout('45.5.0', { record: record('45.5.0'), binary: true }))).reason,
    ).toBeNull();
  });

  it('rebuilds after Electron was updated within the same ABI, or when the binary or its record is gone', async () => {
    const updated = await electronBuildStatus(checkout('45.5.0', { record: record('45.4.0'), binary: true }));
    expect(updated.reason).toBe('built for Electron 45.4.0, Electron 45.5.0 is installed');
    const noBinary = await electronBuildStatus(
      checkout('45.5.0', { record: record('45.5.0'), binary: false }),
    );
    expect(noBinary.reason).toBe(`missing ${join('native', 'electron-150', 'better_sqlite3.node')}`);
    const broken = await electronBuildStatus(checkout('45.5.0', { record: '{', binary: true }));
    expect(broken.reason).toMatch(/^no Electron build/);
  });

  it('looks for another folder when Electron moves to another ABI', async () => {
    const root = checkout('44.0.0', { record: record('44.0.0'), binary: true });
    writeFileSync(join(root, 'node_modules/electron/package.json'), JSON.stringify({ version: '45.5.0' }));
    const { wanted, reason } = await electronBuildStatus(root);
    expect(getAbi('44.0.0', 'electron')).not.toBe(wanted.abi);
    expect(reason).toBe(`no Electron build of the native modules for ABI ${wanted.abi}`);
  });
});

describe('loading a chosen build', () => {
  it('openDatabase hands nativeBinding to better-sqlite3', () => {
    const dir = tempDir();
    const db = openDatabase(join(dir, 'library.sqlite'), { nativeBinding: nodeBuild });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    expect(() =>
      openDatabase(join(dir, 'other.sqlite'), { nativeBinding: join(dir, 'absent.node') }),
    ).toThrow(/absent\.node/);
  });
});

describe('npm run dist', () => {
  function checkoutWithNodeBuild(): { root: string; file: string } {
    const root = tempDir();
    const file = join(root, 'node_modules/better-sqlite3', ABI_BOUND_MODULES[0].binary);
    mkdirSync(dirname(file), { recursive: true });
    cpSync(nodeBuild, file);
    return { root, file };
  }

  it('puts Node’s build back after electron-builder rebuilt it for Electron', async () => {
    const { root, file } = checkoutWithNodeBuild();
    const result = await keepingNodeBuilds(root, async () => {
      writeFileSync(file, 'node_register_module_v150');
      return 0;
    });
    expect(result).toBe(0);
    expect(readFileSync(file).equals(readFileSync(nodeBuild))).toBe(true);
  });

  it('puts it back when packaging fails too', async () => {
    const { root, file } = checkoutWithNodeBuild();
    await expect(
      keepingNodeBuilds(root, async () => {
        writeFileSync(file, 'half-written');
        throw new Error('electron-builder failed');
      }),
    ).rejects.toThrow('electron-builder failed');
    expect(addonAbi(readFileSync(file))).toEqual({ kind: 'v8', abi: process.versions.modules });
  });
});

describe('a rebuild that cannot reach Electron’s headers or a prebuilt binary', () => {
  it('fails with the reason, leaves Node’s build alone and no half-made Electron build', () => {
    const root = tempDir();
    cpSync(join(ROOT, 'node_modules/better-sqlite3'), join(root, 'node_modules/better-sqlite3'), {
      recursive: true,
    });
    mkdirSync(join(root, 'node_modules/electron'));
    cpSync(
      join(ROOT, 'node_modules/electron/package.json'),
      join(root, 'node_modules/electron/package.json'),
    );
    const runner = join(root, 'rebuild.mts');
    writeFileSync(
      runner,
      `import { ensureElectronBuild, exitWithError } from ${JSON.stringify(join(ROOT, 'scripts/electron-native.ts'))};\n` +
        `await ensureElectronBuild(${JSON.stringify(root)}).catch(exitWithError);\n`,
    );
    // A fresh home (no cached headers in ~/.electron-gyp) and a proxy nothing listens on: offline
    // even where this machine is not.
    const offline = 'http://127.0.0.1:9';
    const run = spawnSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), runner], {
      cwd: root,
      encoding: 'utf8',
      env: {
        ...process.env,
        HOME: join(root, 'home'),
        HTTPS_PROXY: offline,
        HTTP_PROXY: offline,
        https_proxy: offline,
        http_proxy: offline,
        npm_config_proxy: offline,
        npm_config_https_proxy: offline,
      },
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(
      `Building native modules for Electron ${electronVersion} (ABI ${getAbi(electronVersion, 'electron')})`,
    );
    expect(run.stderr).toContain(`Could not build better-sqlite3 for Electron ${electronVersion}`);
    expect(run.stderr).toContain('README, "Set up"');
    expect(readdirSync(join(root, 'native'))).toEqual([]);
    const build = join(root, 'node_modules/better-sqlite3', ABI_BOUND_MODULES[0].binary);
    expect(readFileSync(build).equals(readFileSync(nodeBuild))).toBe(true);
  }, 120_000);
});

describe('the packaged app’s build (electron-builder’s afterPack)', () => {
  function packagedResources(binary: string | null): string {
    const resources = tempDir();
    const file = join(
      resources,
      'app.asar.unpacked/node_modules/better-sqlite3',
      ABI_BOUND_MODULES[0].binary,
    );
    mkdirSync(dirname(file), { recursive: true });
    if (binary !== null) cpSync(binary, file);
    return resources;
  }

  it('refuses Node’s build, which Electron would refuse when the reader opens the app', async () => {
    const resources = packagedResources(nodeBuild);
    const packaged = join(
      resources,
      'app.asar.unpacked/node_modules/better-sqlite3',
      ABI_BOUND_MODULES[0].binary,
    );
    await expect(verifyPackagedBuild(resources, electronVersion)).rejects.toThrow(
      `The packaged better-sqlite3 is not Electron ${electronVersion}'s build (npmRebuild): ` +
        `${packaged} is built for ABI ${process.versions.modules}, not ABI ${getAbi(electronVersion, 'electron')}`,
    );
  });

  it('refuses a package where the binary stayed inside the asar', async () => {
    await expect(verifyPackagedBuild(packagedResources(null), electronVersion)).rejects.toThrow(
      /better_sqlite3\.node is missing: better-sqlite3 must be unpacked from the asar/,
    );
  });

  it('accepts a binary that registers with Electron’s ABI', async () => {
    // No Electron build of better-sqlite3 can be made here (README, "Set up"): a file carrying only
    // the registration symbol stands in for one.
    const dir = tempDir();
    const electronBuild = join(dir, 'better_sqlite3.node');
    writeFileSync(electronBuild, `\0node_register_module_v${getAbi(electronVersion, 'electron')}\0`);
    await expect(
      verifyPackagedBuild(packagedResources(electronBuild), electronVersion),
    ).resolves.toBeUndefined();
    expect(existsSync(electronBuild)).toBe(true);
  });
});
