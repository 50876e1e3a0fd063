// A reader's edits survive the app being killed: every edit acknowledged before a SIGKILL is in the
// database afterwards, and the reading is consistent (revision, edit log and state agree; undo works).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Library } from '../../../../src/main/services/library';
import { ReadingService } from '../../../../src/main/services/reading/reading-service';
import { useTempDirs } from '../../../helpers/temp-dir';
import { RADIOLOGIST, importStudy, saveDraft } from './reading-fixtures';

const tempDir = useTempDirs();

/** Runs the child until it has acknowledged `acks` edits, then kills it; returns the last acknowledged revision. */
async function editThenKill(dbFile: string, studyId: string, acks: number): Promise<number> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'edit-child.ts'), dbFile, studyId],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise((r) => child.once('exit', r));
  let last = 0;
  let buffered = '';
  await new Promise<void>((resolve, reject) => {
    child.once('exit', () => reject(new Error('the child ended before it was killed')));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) last = Number(line);
      if (last >= acks) {
        child.kill('SIGKILL');
        resolve();
      }
    });
  });
  await exited;
  return last;
}

describe('a reading killed between edits', () => {
  it('keeps every acknowledged edit and stays consistent', async () => {
    const dbFile = join(tempDir(), 'db.sqlite');
    const setup = Library.open(dbFile, null);
    const { studyId, instance } = await importStudy(setup);
    saveDraft(setup, studyId, instance);
    setup.close();

    const acknowledged = await editThenKill(dbFile, studyId, 25);
    expect(acknowledged).toBeGreaterThanOrEqual(25);

    const library = Library.open(dbFile, null);
    const service = new ReadingService(library);
    const reading = service.open(studyId);
    // The kill may land after an edit committed but before its line was read: never fewer.
    expect(reading.revision).toBeGreaterThanOrEqual(acknowledged);
    const edits = library.repo.db
      .prepare('SELECT seq, state_json FROM reading_edits WHERE study_ref = ? ORDER BY seq')
      .all(studyId) as { seq: number; state_json: string }[];
    expect(edits.map((e) => e.seq)).toEqual(Array.from({ length: reading.revision }, (_, i) => i + 1));
    const last = JSON.parse(edits.at(-1)!.state_json);
    expect({ findings: reading.findings, impression: reading.impression }).toEqual(last);
    const n = reading.revision;
    // Edits alternate: odd ones set the impression, even ones add a finding.
    expect(reading.impression).toBe(`impression ${n % 2 ? n : n - 1}`);
    expect(reading.findings).toHaveLength(2 + Math.floor(n / 2));
    expect(reading.canUndo).toBe(true);

    const undone = service.undo(studyId, reading.revision, RADIOLOGIST);
    expect({ findings: undone.findings, impression: undone.impression }).toEqual(
      JSON.parse(edits.at(-2)!.state_json),
    );
    expect(undone.canRedo).toBe(true);
    library.close();
  });
});
