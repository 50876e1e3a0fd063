// The library on a real full disk (a small tmpfs filled to its last page): an edit is refused with
// "the disk is full" and nothing half-written, a study already read and a study never read still open,
// and once space is freed the same edits go through, the never-read study's first reading with them.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Library } from '../../../src/main/services/library';
import { STORAGE_REFUSALS } from '../../../src/shared/storage-refusals';
import { mountSmallDisk, type SmallDisk } from '../../helpers/full-disk';
import { useTempDirs } from '../../helpers/temp-dir';
import { importStudy, saveDraft } from '../services/reading/reading-fixtures';
import { SAMPLES } from '../../helpers/paths';
import { setupHandlers } from './handler-setup';

const tempDir = useTempDirs();
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

async function setup() {
  const disk: SmallDisk = mountSmallDisk(join(tempDir(), 'disk'));
  cleanups.push(disk.unmount);
  const s = setupHandlers(tempDir, { userDataDir: disk.dir });
  cleanups.push(() => s.library.close());
  const read = await importStudy(s.library);
  saveDraft(s.library, read.studyId, read.instance);
  const unread = await importStudy(s.library, join(SAMPLES, 'demo/demo-03-left-effusion.dcm'));
  saveDraft(s.library, unread.studyId, unread.instance, '00000000000000d3');
  await s.call('profile:set', { displayName: 'Dr Test', role: 'radiologist' });
  return { ...s, disk, read: read.studyId, unread: unread.studyId };
}

/** Fills the disk; the WAL starts empty (as after a checkpoint), so the next commit has to grow it. */
function fillDisk(library: Library, disk: SmallDisk): void {
  library.repo.db.pragma('wal_checkpoint(TRUNCATE)');
  disk.fill();
}

const storedReadings = (library: Library, studyId: string): { impression: string }[] =>
  (
    library.repo.db.prepare('SELECT state_json FROM readings WHERE study_ref = ?').all(studyId) as {
      state_json: string;
    }[]
  ).map((r) => JSON.parse(r.state_json));

describe('a library on a full disk', () => {
  it('refuses an edit as "the disk is full", keeps the study open, and takes the edit once there is room', async () => {
    const { library, disk, read, call, refusal } = await setup();
    const opened = await call('reading:open', { studyId: read });
    fillDisk(library, disk);
    const edit = {
      studyId: read,
      revision: opened.revision,
      op: { type: 'impression.set', text: 'typed on a full disk' },
    };

    expect(await refusal('reading:apply', edit)).toBe(STORAGE_REFUSALS.full);
    expect(storedReadings(library, read)).toEqual([expect.objectContaining({ impression: '' })]);
    // Opening again writes nothing it needs: the reading is there as stored.
    expect(await call('reading:open', { studyId: read })).toEqual(opened);

    disk.free();
    const saved = await call('reading:apply', edit);
    expect(saved).toMatchObject({ impression: 'typed on a full disk', revision: opened.revision + 1 });
    expect(storedReadings(library, read)).toEqual([
      expect.objectContaining({ impression: 'typed on a full disk' }),
    ]);
  });

  it('opens a study never read before from its draft, and stores that reading with its first edit', async () => {
    const { library, disk, unread, call, refusal } = await setup();
    fillDisk(library, disk);
    const opened = await call('reading:open', { studyId: unread });
    expect(opened).toMatchObject({ version: 1, revision: 0, draftId: '00000000000000d3', impression: '' });
    expect(opened.findings.map((f) => f.state)).toEqual(['pending', 'pending']);
    expect(storedReadings(library, unread)).toEqual([]);
    const reject = {
      studyId: unread,
      revision: opened.revision,
      op: { type: 'finding.reject', findingId: opened.findings[1]!.id },
    };
    expect(await refusal('reading:apply', reject)).toBe(STORAGE_REFUSALS.full);

    disk.free();
    const rejected = await call('reading:apply', reject);
    expect(rejected.findings.map((f) => [f.id, f.state])).toEqual([
      [opened.findings[0]!.id, 'pending'],
      [opened.findings[1]!.id, 'rejected'],
    ]);
    expect(storedReadings(library, unread)).toHaveLength(1);
    // The open that could not be written still counts for time on task.
    const activity = library.repo.db
      .prepare('SELECT kind FROM reading_activity WHERE study_ref = ? ORDER BY at_ms, rowid')
      .all(unread) as { kind: string }[];
    expect(activity.map((a) => a.kind)).toEqual(['open', 'edit']);
  });
});
