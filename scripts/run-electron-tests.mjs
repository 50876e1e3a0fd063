// Runs the Playwright _electron tests where an Electron binary exists. Where it does not (this
// workplace cannot download it), the tests are listed and reported as NOT RUN, never as passed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const electronDir = join(import.meta.dirname, '..', 'node_modules', 'electron');

function electronBinary() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

const config = ['-c', 'playwright.electron.config.ts'];
if (electronBinary()) {
  // The app under test loads Electron's own build of the native modules, as `npm start` does.
  const native = spawnSync('npx', ['tsx', 'scripts/rebuild-electron.ts'], { stdio: 'inherit' });
  if (native.status !== 0) process.exit(native.status ?? 1);
  const run = spawnSync('npx', ['playwright', 'test', ...config], { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}
const list = spawnSync('npx', ['playwright', 'test', ...config, '--list'], { encoding: 'utf8' });
const count = /Total: (\d+) tests?/.exec(list.stdout ?? '')?.[1];
if (list.status !== 0 || !count) {
  process.stderr.write(`${list.stdout}${list.stderr}\ncould not list the Electron tests\n`);
  process.exit(1);
}
process.stdout.write(
  `Electron tests: ${count} NOT RUN — no Electron binary in node_modules/electron ` +
    '(it cannot be downloaded here; install it with network access, or set ELECTRON_OVERRIDE_DIST_PATH).\n',
);
