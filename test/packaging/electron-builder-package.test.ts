// Runs the real electron-builder on electron-builder.yml (after `npm run build`), as far as this
// machine allows: Electron's binary cannot be downloaded here, so an empty stand-in distribution
// takes its place, and npmRebuild is off because nothing can be rebuilt for Electron offline. That
// is the package that must never ship: node_modules' better-sqlite3 still built for Node.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ABI_BOUND_MODULES } from '../../src/main/electron/native-build';
import { ROOT } from '../helpers/paths';
import { useTempDirs } from '../helpers/temp-dir';

const tempDir = useTempDirs();
const require = createRequire(import.meta.url);
const cli = require.resolve('electron-builder/cli.js');
const { getAbi } = require('node-abi') as { getAbi(target: string, runtime: 'electron'): string };
const electronVersion = (
  JSON.parse(readFileSync(join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as { version: string }
).version;

function electronBuilder(args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, '--config', 'electron-builder.yml', ...args], {
      cwd: ROOT,
      env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (status) => done({ status, output }));
  });
}

describe('electron-builder with electron-builder.yml', () => {
  it('refuses to package better-sqlite3 built for Node instead of Electron', async () => {
    expect(existsSync(join(ROOT, 'dist/main/index.cjs')), 'run `npm run build` first').toBe(true);
    const work = tempDir();
    const electronDist = join(work, 'electron');
    mkdirSync(join(electronDist, 'locales'), { recursive: true });
    writeFileSync(join(electronDist, 'electron'), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(join(electronDist, 'LICENSE'), '');
    writeFileSync(join(electronDist, 'locales', 'en-US.pak'), '');
    const out = join(work, 'release');

    const run = await electronBuilder([
      '--linux',
      'dir',
      `-c.electronDist=${electronDist}`,
      '-c.npmRebuild=false',
      `-c.directories.output=${out}`,
    ]);

    // afterPack ran on the packaged files, before the fuses and signing, and failed the build.
    expect(run.status, run.output).toBe(1);
    const unpacked = join(
      out,
      'linux-unpacked/resources/app.asar.unpacked/node_modules/better-sqlite3',
      ABI_BOUND_MODULES[0].binary,
    );
    expect(existsSync(unpacked)).toBe(true);
    expect(run.output).toContain(
      `The packaged better-sqlite3 is not Electron ${electronVersion}'s build (npmRebuild): ` +
        `${unpacked} is built for ABI ${process.versions.modules}, not ABI ${getAbi(electronVersion, 'electron')}`,
    );
    expect(run.output).not.toContain('executing @electron/fuses');
  }, 300_000);
});
