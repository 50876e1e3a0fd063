// `npm run dist`: installers with electron-builder (arguments pass through), keeping node_modules'
// native builds for Node, which electron-builder's npmRebuild would leave built for Electron.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { keepingNodeBuilds, ROOT } from './electron-native';

const cli = createRequire(import.meta.url).resolve('electron-builder/cli.js');
const code = await keepingNodeBuilds(
  ROOT,
  () =>
    new Promise<number>((done) => {
      const child = spawn(
        process.execPath,
        [cli, '--config', 'electron-builder.yml', ...process.argv.slice(2)],
        {
          cwd: ROOT,
          stdio: 'inherit',
        },
      );
      child.on('exit', (status) => done(status ?? 1));
    }),
);
process.exit(code);
