// `npm run rebuild:electron [-- --force]`: Electron's build of the native modules without starting
// the app (the Electron test runner calls it too).
import { ensureElectronBuild, exitWithError, ROOT } from './electron-native';

await ensureElectronBuild(ROOT, { force: process.argv.includes('--force') }).catch(exitWithError);
