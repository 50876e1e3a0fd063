// Expands the user's selection into candidate files: folders recursively (symbolic links to
// folders are not followed, so loops are impossible) and DICOMDIRs into the files they reference.
import { lstat, readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { parseDicom } from './parse-dataset';

export type Candidate = { path: string } | { path: string; error: string };

const isDicomdir = (path: string): boolean => basename(path).toUpperCase() === 'DICOMDIR';

export async function collectFiles(inputs: readonly string[]): Promise<Candidate[]> {
  const out = new Map<string, Candidate>();
  const add = (c: Candidate): void => {
    if (!out.has(c.path)) out.set(c.path, c);
  };
  for (const input of inputs) await visit(resolve(input), add);
  return [...out.values()];
}

async function visit(path: string, add: (c: Candidate) => void): Promise<void> {
  let stat;
  try {
    stat = await lstat(path);
  } catch (err) {
    add({ path, error: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
    return;
  }
  if (stat.isDirectory()) {
    let entries: string[];
    try {
      entries = (await readdir(path)).sort();
    } catch (err) {
      add({ path, error: `cannot list folder: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
      return;
    }
    for (const entry of entries) await visit(join(path, entry), add);
  } else if (stat.isFile()) {
    if (isDicomdir(path)) await expandDicomdir(path, add);
    else add({ path });
  }
}

/** DICOMDIR records name their files with ReferencedFileID (0004,1500), relative to the DICOMDIR. */
async function expandDicomdir(path: string, add: (c: Candidate) => void): Promise<void> {
  const root = dirname(path);
  let records;
  try {
    const { dataSet } = parseDicom(new Uint8Array(await readFile(path)));
    records = dataSet.elements.x00041220?.items ?? [];
  } catch (err) {
    add({ path, error: `unreadable DICOMDIR: ${(err as Error).message}` });
    return;
  }
  for (const record of records) {
    const fileId = record.dataSet?.string('x00041500');
    if (!fileId) continue;
    const target = resolve(root, ...fileId.trim().split('\\'));
    const rel = relative(root, target);
    if (rel.startsWith('..') || rel.includes(`..${sep}`)) {
      add({ path: target, error: 'DICOMDIR entry points outside its folder' });
      continue;
    }
    await visit(target, add);
  }
}
