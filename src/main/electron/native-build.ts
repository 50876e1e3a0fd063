// Electron's own build of the native modules bound to one runtime's ABI. `npm ci` builds them for
// Node (the CLI and the tests run there); Electron refuses that build, so `npm start` makes a second
// one under native/electron-<abi>/ and the unpackaged app loads it from there. A packaged app loads
// the build electron-builder made in node_modules for its target (npmRebuild) and never looks here.
import { basename, join } from 'node:path';
import { z } from 'zod';

/**
 * Native modules that use V8's API, so each runtime needs a build for its own ABI. onnxruntime-node
 * is Node-API (bin/napi-v6): one build serves Node and Electron, and it is not listed.
 */
export const ABI_BOUND_MODULES = [
  { name: 'better-sqlite3', binary: 'build/Release/better_sqlite3.node' },
] as const;

export type AbiBoundModule = (typeof ABI_BOUND_MODULES)[number]['name'];

export const NATIVE_DIR = 'native';
export const BUILD_RECORD = 'build.json';

/** What a build in native/electron-<abi>/ was made for; build.json holds it. */
export const ElectronBuildRecord = z.object({
  electron: z.string(),
  abi: z.string(),
  platform: z.string(),
  arch: z.string(),
  /** Module name → the version that was built. */
  modules: z.record(z.string(), z.string()),
});
export type ElectronBuildRecord = z.infer<typeof ElectronBuildRecord>;

export function electronBuildDir(root: string, abi: string): string {
  return join(root, NATIVE_DIR, `electron-${abi}`);
}

export function electronBinary(root: string, abi: string, module: AbiBoundModule): string {
  const entry = ABI_BOUND_MODULES.find((m) => m.name === module)!;
  return join(electronBuildDir(root, abi), basename(entry.binary));
}

/** The binding better-sqlite3 should load in Electron's main process; undefined means its default. */
export function betterSqliteBinding(launch: {
  isPackaged: boolean;
  appPath: string;
  abi: string;
}): string | undefined {
  return launch.isPackaged ? undefined : electronBinary(launch.appPath, launch.abi, 'better-sqlite3');
}

/**
 * Why the Electron build must be (re)made, or null when the one on disk fits. `found` is the
 * recorded build (null when there is none), `missing` the binaries that are not on disk.
 */
export function rebuildReason(
  found: ElectronBuildRecord | null,
  wanted: ElectronBuildRecord,
  missing: readonly string[],
): string | null {
  if (!found) return `no Electron build of the native modules for ABI ${wanted.abi}`;
  if (found.electron !== wanted.electron)
    return `built for Electron ${found.electron}, Electron ${wanted.electron} is installed`;
  if (found.abi !== wanted.abi)
    return `built for ABI ${found.abi}, Electron ${wanted.electron} needs ABI ${wanted.abi}`;
  if (found.platform !== wanted.platform || found.arch !== wanted.arch) {
    return `built for ${found.platform}-${found.arch}, this machine is ${wanted.platform}-${wanted.arch}`;
  }
  for (const [name, version] of Object.entries(wanted.modules)) {
    if (found.modules[name] !== version) {
      return `${name} ${found.modules[name] ?? '(not built)'} was built, ${version} is installed`;
    }
  }
  if (missing.length > 0) return `missing ${missing.join(', ')}`;
  return null;
}

/** The record in a build.json, or null when it is absent or not one. */
export function parseBuildRecord(text: string | null): ElectronBuildRecord | null {
  if (text === null) return null;
  try {
    return ElectronBuildRecord.parse(JSON.parse(text));
  } catch {
    return null;
  }
}

export type AddonAbi = { kind: 'node-api' } | { kind: 'v8'; abi: string };

/**
 * The ABI a native addon was built for, read from its exported registration symbol (ELF, Mach-O and
 * PE keep the name as text): node_register_module_v<ABI> for V8-API addons, napi_register_module_v1
 * for Node-API ones. Null when neither is present.
 */
export function addonAbi(binary: Uint8Array): AddonAbi | null {
  const text = Buffer.from(binary.buffer, binary.byteOffset, binary.byteLength).toString('latin1');
  const v8 = /node_register_module_v(\d+)/.exec(text);
  if (v8) return { kind: 'v8', abi: v8[1]! };
  return text.includes('napi_register_module_v1') ? { kind: 'node-api' } : null;
}
