// A reading shown while the library could not store it (here: another process holds the write lock)
// keeps the guarantees of a stored one: two windows on it cannot both edit the same revision, a reading
// another connection stored meanwhile is not overwritten, and an untouched one follows a newer draft.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Library } from '../../../../src/main/services/library';
import { ReadingService, STALE_MESSAGE } from '../../../../src/main/services/reading/reading-service';
import { useTempDirs } from '../../../helpers/temp-dir';
import { holdWriteLock } from '../../../helpers/write-lock';
import type { Reading } from '../../../../src/shared/reading';
import { RADIOLOGIST, importStudy, saveDraft } from './reading-fixtures';

const tempDir = useTempDirs();
const libraries: Library[] = [];
afterEach(() => {
  for (const library of libraries.splice(0)) library.close();
});

async function setup() {
  const file = join(tempDir(), 'db.sqlite');
  const library = Library.open(file, null);
  libraries.push(library);
  const { studyId, instance } = await importStudy(library);
  saveDraft(library, studyId, instance);
  const storedCount = (): number =>
    (library.repo.db.prepare('SELECT count(*) AS n FROM readings').get() as { n: number }).n;
  /** What `open` shows while another process holds the library (once per window). */
  const openWhileLocked = async (service: ReadingService, windows = 1) => {
    const lock = await holdWriteLock(file);
    try {
      return Array.from({ length: windows }, () => service.open(studyId));
    } finally {
      await lock.release();
    }
  };
  return {
    file,
    library,
    studyId,
    instance,
    service: new ReadingService(library),
    storedCount,
    openWhileLocked,
  };
}

const impression = (text: string) => ({ type: 'impression.set', text }) as const;

describe('a reading shown from memory', () => {
  it('is one reading for two windows: the first edit stores it, the second on the same revision is refused', async () => {
    const { studyId, service, storedCount, openWhileLocked } = await setup();
    const [a, b] = (await openWhileLocked(service, 2)) as [Reading, Reading];
    expect(b).toEqual(a);
    expect(storedCount()).toBe(0);
    const edited = service.apply(studyId, a.revision, impression('window A'), RADIOLOGIST);
    expect(() => service.apply(studyId, b.revision, impression('window B'), RADIOLOGIST)).toThrow(
      STALE_MESSAGE,
    );
    expect(storedCount()).toBe(1);
    expect(service.open(studyId)).toMatchObject({ impression: 'window A', revision: edited.revision });
  });

  it('stays stored as shown when an open can write again before any edit', async () => {
    const { studyId, service, storedCount, openWhileLocked } = await setup();
    const [shown] = (await openWhileLocked(service)) as [Reading];
    expect(storedCount()).toBe(0);
    const reopened = service.open(studyId);
    expect(storedCount()).toBe(1);
    expect(reopened.findings).toEqual(shown.findings);
    expect(service.apply(studyId, shown.revision, impression('x'), RADIOLOGIST).impression).toBe('x');
  });

  it('is refused, not written over, when another connection stored the reading first', async () => {
    const { file, studyId, service, openWhileLocked } = await setup();
    const [shown] = (await openWhileLocked(service)) as [Reading];
    const other = Library.open(file, null);
    libraries.push(other);
    const elsewhere = new ReadingService(other).open(studyId);
    expect(elsewhere.revision).toBe(shown.revision);
    expect(() => service.apply(studyId, shown.revision, impression('from memory'), RADIOLOGIST)).toThrow(
      STALE_MESSAGE,
    );
    // Reloaded, the window shows the stored reading and edits it.
    const reloaded = service.open(studyId);
    expect(reloaded.findings.map((f) => f.id)).toEqual(elsewhere.findings.map((f) => f.id));
    expect(service.apply(studyId, reloaded.revision, impression('now'), RADIOLOGIST).impression).toBe('now');
  });

  it('follows a newer draft while untouched, and a window still on the old one is refused', async () => {
    const { library, studyId, instance, service, openWhileLocked } = await setup();
    const [old] = (await openWhileLocked(service)) as [Reading];
    saveDraft(library, studyId, instance, '00000000000000d2', '2025-02-01T00:00:00.000Z');
    const followed = service.open(studyId);
    expect(followed).toMatchObject({ draftId: '00000000000000d2', revision: old.revision + 1 });
    expect(() => service.apply(studyId, old.revision, impression('old'), RADIOLOGIST)).toThrow(STALE_MESSAGE);
  });
});
