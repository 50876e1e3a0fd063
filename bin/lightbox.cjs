#!/usr/bin/env node
// Entry for `npx lightbox`: runs the bundled CLI (npm run build makes it).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const cli = join(__dirname, '..', 'dist', 'cli', 'index.cjs');
if (!existsSync(cli)) {
  process.stderr.write('lightbox: the CLI is not built yet; run `npm run build` first\n');
  process.exit(2);
}
require(cli)
  .main(process.argv.slice(2))
  .then((code) => process.exit(code));
