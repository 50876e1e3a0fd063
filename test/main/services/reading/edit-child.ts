// Child process for the kill-between-edits test: applies edits one after another and prints the
// revision of each once apply() has returned (the edit is committed), until it is killed.
import { setTimeout as sleep } from 'node:timers/promises';
import { Library } from '../../../../src/main/services/library';
import { ReadingService } from '../../../../src/main/services/reading/reading-service';
import { RADIOLOGIST } from './reading-fixtures';

const [dbFile, studyId] = process.argv.slice(2) as [string, string];
const service = new ReadingService(Library.open(dbFile, null));
let reading = service.open(studyId);
for (let i = 1; i <= 10_000; i++) {
  const op =
    i % 2
      ? ({ type: 'impression.set', text: `impression ${i}` } as const)
      : ({ type: 'finding.add', findingId: i.toString(16).padStart(16, '0'), text: `finding ${i}` } as const);
  reading = service.apply(studyId, reading.revision, op, RADIOLOGIST);
  process.stdout.write(`${reading.revision}\n`);
  await sleep(1);
}
