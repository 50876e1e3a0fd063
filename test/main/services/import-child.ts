// Child process for the kill-mid-import test: imports slowly enough to be killed part-way.
import { Library } from '../../../src/main/services/library';

const [dbFile, folder] = process.argv.slice(2) as [string, string];
const library = Library.open(dbFile, null);
let announced = false;
await library.importPaths([folder], () => {
  if (!announced) process.stdout.write('progress\n');
  announced = true;
});
