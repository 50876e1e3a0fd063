// Electron's own build of the ABI-bound native modules (src/main/electron/native-build.ts): checked
// on every `npm start` and made with @electron/rebuild when it is missing or was made for another
// Electron, in a staging copy of each module so that node_modules keeps Node's build for the CLI
// and the tests.
import { access, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import {
  ABI_BOUND_MODULES,
  addonAbi,
  BUILD_RECORD,
  electronBinary,
  electronBuildDir,
  NATIVE_DIR,
  parseBuildRecord,
  rebuildReason,
  type AddonAbi,
  type ElectronBuildRecord,
} from '../src/main/electron/native-build';

export const ROOT = resolve(import.meta.dirname, '..');

const { getAbi } = createRequire(import.meta.url)('node-abi') as {
  getAbi(target: string, runtime: 'node' | 'electron'): string;
};

const readText = (file: string): Promise<string | null> =>
  readFile(file, 'utf8').then(
    (text) => text,
    () => null,
  );
const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );
const installedVersion = async (root: string, name: string): Promise<string> =>
  (
    JSON.parse(await readFile(join(root, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

/** The build this checkout needs: the installed Electron's ABI and the installed module versions. */
export async function wantedBuild(root: string): Promise<ElectronBuildRecord> {
  const electron = await installedVersion(root, 'electron');
  const modules: Record<string, string> = {};
  for (const m of ABI_BOUND_MODULES) modules[m.name] = await installedVersion(root, m.name);
  return {
    electron,
    abi: getAbi(electron, 'electron'),
    platform: process.platform,
    arch: process.arch,
    modules,
  };
}

/** What is needed and why the build on disk does not provide it (null: it does). */
export async function electronBuildStatus(
  root: string,
): Promise<{ wanted: ElectronBuildRecord; reason: string | null }> {
  const wanted = await wantedBuild(root);
  const found = parseBuildRecord(await readText(join(electronBuildDir(root, wanted.abi), BUILD_RECORD)));
  const missing: string[] = [];
  for (const m of ABI_BOUND_MODULES) {
    const file = electronBinary(root, wanted.abi, m.name);
    if (!(await exists(file))) missing.push(relative(root, file));
  }
  return { wanted, reason: rebuildReason(found, wanted, missing) };
}

const describeAbi = (abi: AddonAbi | null): string =>
  abi === null ? 'no known Node ABI' : abi.kind === 'node-api' ? 'Node-API' : `ABI ${abi.abi}`;

/** Refuses a binary that was not built for `abi`, naming both. */
export async function verifyAbi(file: string, abi: string): Promise<void> {
  const found = addonAbi(await readFile(file));
  if (found?.kind !== 'v8' || found.abi !== abi) {
    throw new Error(`${file} is built for ${describeAbi(found)}, not ABI ${abi}`);
  }
}

/**
 * electron-builder's afterPack check (scripts/after-pack.mjs): a packaged app loads node_modules'
 * copy of each ABI-bound module from app.asar.unpacked, which npmRebuild must have built for the
 * Electron it ships with. Node's build there would open, and fail, only on the reader's machine.
 */
export async function verifyPackagedBuild(resourcesDir: string, electronVersion: string): Promise<void> {
  const abi = getAbi(electronVersion, 'electron');
  for (const m of ABI_BOUND_MODULES) {
    const file = join(resourcesDir, 'app.asar.unpacked', 'node_modules', m.name, m.binary);
    if (!(await exists(file))) {
      throw new Error(`${file} is missing: ${m.name} must be unpacked from the asar (asarUnpack)`);
    }
    await verifyAbi(file, abi).catch((err: unknown) => {
      throw new Error(
        `The packaged ${m.name} is not Electron ${electronVersion}'s build (npmRebuild): ` +
          (err instanceof Error ? err.message : String(err)),
        { cause: err },
      );
    });
  }
}

/** Builds every ABI-bound module for `wanted` into native/electron-<abi>/ (downloads Electron's headers or a prebuilt binary). */
export async function rebuildForElectron(root: string, wanted: ElectronBuildRecord): Promise<void> {
  const staging = join(root, NATIVE_DIR, '.staging');
  await rm(staging, { recursive: true, force: true });
  await mkdir(join(staging, 'node_modules'), { recursive: true });
  const pkg = { name: 'lightbox-electron-native', private: true, dependencies: wanted.modules };
  await writeFile(join(staging, 'package.json'), JSON.stringify(pkg));
  for (const m of ABI_BOUND_MODULES) {
    const source = join(root, 'node_modules', m.name);
    // Node's build stays behind: only a binary built here can end up in native/.
    await cp(source, join(staging, 'node_modules', m.name), {
      recursive: true,
      filter: (path) => relative(source, path) !== 'build',
    });
  }
  // A nodedir (e.g. nodedir=/usr in .npmrc) points node-gyp at Node's headers: the result would be
  // Node's ABI under Electron's name.
  for (const key of Object.keys(process.env))
    if (key.toLowerCase() === 'npm_config_nodedir') delete process.env[key];
  try {
    const { rebuild } = await import('@electron/rebuild');
    await rebuild({
      buildPath: staging,
      projectRootPath: staging,
      electronVersion: wanted.electron,
      platform: wanted.platform as NodeJS.Platform,
      arch: wanted.arch,
      onlyModules: ABI_BOUND_MODULES.map((m) => m.name),
      force: true,
      mode: 'sequential',
    }).catch((err: unknown) => {
      throw new Error(
        `Could not build ${Object.keys(wanted.modules).join(', ')} for Electron ${wanted.electron}: ` +
          `${err instanceof Error ? err.message : String(err)}. It needs a prebuilt binary from github.com, ` +
          'or Electron\'s headers from electronjs.org and a C++ toolchain (README, "Set up").',
        { cause: err },
      );
    });
    const built = ABI_BOUND_MODULES.map((m) => ({
      m,
      file: join(staging, 'node_modules', m.name, m.binary),
    }));
    for (const { file } of built) await verifyAbi(file, wanted.abi);
    const dir = electronBuildDir(root, wanted.abi);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    for (const { m, file } of built) await cp(file, electronBinary(root, wanted.abi, m.name));
    // Written last: a build.json says every binary next to it is complete.
    await writeFile(join(dir, BUILD_RECORD), `${JSON.stringify(wanted, null, 2)}\n`);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

export async function ensureElectronBuild(
  root: string,
  { force = false, log = (line: string) => process.stdout.write(`${line}\n`) } = {},
): Promise<void> {
  const { wanted, reason } = await electronBuildStatus(root);
  if (!reason && !force) return;
  log(`Building native modules for Electron ${wanted.electron} (ABI ${wanted.abi}): ${reason ?? 'forced'}`);
  await rebuildForElectron(root, wanted);
  log(`Electron's build is in ${relative(root, electronBuildDir(root, wanted.abi))}/`);
}

/** For the command-line scripts: the reason, without a stack trace, and a failing exit code. */
export function exitWithError(err: unknown): never {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}

/**
 * electron-builder's npmRebuild rebuilds node_modules in place for Electron; Node's builds are kept
 * aside while `task` runs and put back after it, whether it succeeds or not.
 */
export async function keepingNodeBuilds<T>(root: string, task: () => Promise<T>): Promise<T> {
  const aside = await mkdtemp(join(tmpdir(), 'lightbox-node-builds-'));
  const kept = ABI_BOUND_MODULES.map((m, i) => ({
    file: join(root, 'node_modules', m.name, m.binary),
    copy: join(aside, `${i}.node`),
  }));
  try {
    for (const k of kept) await cp(k.file, k.copy);
    return await task();
  } finally {
    for (const k of kept) if (await exists(k.copy)) await cp(k.copy, k.file);
    await rm(aside, { recursive: true, force: true });
  }
}
