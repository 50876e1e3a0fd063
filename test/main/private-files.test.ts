// Who can read what Lightbox writes: the library (database, -wal, -shm), the profile, the model-hash
// cache and an export in progress are 0600 in 0700 folders, checked with stat. The process umask is
// set to 000 here, so nothing passes because the umask happened to be strict; an existing library made
// 0644 in a 0755 folder is tightened when it is opened.
import Database from 'better-sqlite3';
import { chmodSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExportFolder } from '../../src/main/services/feedback/export/export-folder';
import { FileHashes } from '../../src/main/services/inference/engine/file-hashes';
import { Library } from '../../src/main/services/library';
import { ProfileStore } from '../../src/main/services/profile/profile-store';
import { useTempDirs } from '../helpers/temp-dir';
import { importStudy } from './services/reading/reading-fixtures';

const tempDir = useTempDirs();
const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8).padStart(4, '0');

let umask: number;
beforeEach(() => {
  umask = process.umask(0);
});
afterEach(() => {
  process.umask(umask);
});

/** Every file and folder under dir, with its mode. */
function modes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    out[path.slice(dir.length + 1)] = mode(path);
  }
  return out;
}

/** The data folder 0700 and the database with its -wal and -shm 0600. */
function expectPrivateLibrary(dataDir: string): void {
  expect(mode(dataDir)).toBe('0700');
  expect(modes(dataDir)).toEqual({
    'lightbox.sqlite': '0600',
    'lightbox.sqlite-wal': '0600',
    'lightbox.sqlite-shm': '0600',
  });
}

describe('the library', () => {
  it('is created 0600 (with its -wal and -shm) in a 0700 folder, whatever the umask', async () => {
    const dataDir = join(tempDir(), 'new', 'Lightbox');
    const dbFile = join(dataDir, 'lightbox.sqlite');
    const library = Library.open(dbFile, null);
    await importStudy(library);
    library.settings.pseudonymSecret();
    expectPrivateLibrary(dataDir);
    library.close();
  });

  it('made 0644 in a 0755 folder by an older Lightbox is tightened when opened', () => {
    const dataDir = join(tempDir(), 'Lightbox');
    const dbFile = join(dataDir, 'lightbox.sqlite');
    const old = Library.open(dbFile, null);
    old.close();
    // As the older version left it, with another connection still holding its -wal and -shm open.
    const other = new Database(dbFile);
    other.pragma('journal_mode = WAL');
    other.exec("INSERT INTO settings (key, value) VALUES ('k', 'v')");
    chmodSync(dataDir, 0o755);
    for (const suffix of ['', '-wal', '-shm']) chmodSync(`${dbFile}${suffix}`, 0o644);
    expect(modes(dataDir)['lightbox.sqlite-wal']).toBe('0644');

    const library = Library.open(dbFile, null);
    expectPrivateLibrary(dataDir);
    library.close();
    other.close();
  });
});

describe('files beside the library', () => {
  it('the local profile and the model-hash cache are 0600 in the 0700 data folder', async () => {
    const dataDir = join(tempDir(), 'Lightbox');
    const profile = new ProfileStore({
      userDataDir: dataDir,
      siteConfigFile: join(dataDir, 'site.json'),
      secret: () => '00'.repeat(32),
    });
    profile.set('Dr Test', 'radiologist');
    const packFile = join(tempDir(), 'model.onnx');
    writeFileSync(packFile, 'weights');
    const hashes = await FileHashes.open(join(dataDir, 'model-pack-hashes.json'));
    await hashes.hash(packFile);
    await hashes.save();
    expect(mode(dataDir)).toBe('0700');
    expect(modes(dataDir)).toEqual({ 'profile.json': '0600', 'model-pack-hashes.json': '0600' });
  });

  it('an export in progress is 0700 folders of 0600 files, and stays so when complete', async () => {
    const parent = tempDir();
    chmodSync(parent, 0o755);
    const outDir = join(parent, 'export');
    const folder = await ExportFolder.open(outDir);
    await folder.write('manifest.json', '{}');
    const image = await folder.append('images/record-1.png');
    await image.write('png bytes');
    const [partial] = readdirSync(parent);
    expect(partial).toMatch(/^\.export\.partial-/);
    // Checked while the image is still being written.
    expect(mode(join(parent, partial!))).toBe('0700');
    expect(modes(join(parent, partial!))).toEqual({
      'manifest.json': '0600',
      images: '0700',
      'images/record-1.png': '0600',
    });
    await image.close();
    await folder.commit();
    expect(mode(outDir)).toBe('0700');
    expect(modes(outDir)).toEqual({
      'manifest.json': '0600',
      images: '0700',
      'images/record-1.png': '0600',
    });
  });
});
