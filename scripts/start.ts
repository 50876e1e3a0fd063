// `npm start`: gives Electron its own build of the native modules when it has none for the installed
// Electron (see electron-native.ts), then opens the app with this script's arguments.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { ensureElectronBuild, exitWithError, ROOT } from './electron-native';

await ensureElectronBuild(ROOT).catch(exitWithError);
// The electron package's main is the binary's path; it downloads the binary first if it is missing.
const electron = createRequire(import.meta.url)('electron') as string;
const child = spawn(electron, [ROOT, ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
