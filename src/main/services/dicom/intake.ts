// Study intake: reads each candidate file, rejects what cannot be shown (with the reason), and
// indexes the rest. A file that fails never affects what is already indexed.
import { readFile, stat } from 'node:fs/promises';
import type { ImportProgress, ImportReport } from '../../../shared/domain';
import { retryWhileBusy } from '../store/busy-retry';
import type { FileStat, IndexRepository, InstanceLocation } from '../store/index-repository';
import { storageMessage } from '../store/storage-errors';
import { collectFiles } from './collect-files';
import { DicomParseError, parseDicom } from './parse-dataset';
import { HeaderError, readHeader } from './read-header';
import { isSupportedTransferSyntax, transferSyntaxName } from './pixels/transfer-syntaxes';
import { checkPixelData } from './check-pixel-data';
import { sha256Hex } from './content-hash';

/** Larger files are not chest radiographs; refusing them bounds memory on hostile input. */
export const MAX_FILE_BYTES = 1024 * 1024 * 1024;

export type IntakeOptions = {
  onProgress?: (progress: ImportProgress) => void;
  now?: () => Date;
  /** Read and hash every file, even one whose stat says it is unchanged (a file found changed is re-indexed). */
  rehash?: boolean;
};

export async function importPaths(
  repo: IndexRepository,
  inputs: readonly string[],
  options: IntakeOptions = {},
): Promise<ImportReport> {
  const started = performance.now();
  const now = options.now ?? (() => new Date());
  const candidates = await collectFiles(inputs);
  const report: ImportReport = {
    scanned: candidates.length,
    added: 0,
    unchanged: 0,
    rejected: [],
    duplicates: [],
    studyIds: [],
    elapsedMs: 0,
  };
  const studies = new Set<string>();
  let lastTick = 0;
  for (const [index, candidate] of candidates.entries()) {
    if ('error' in candidate) {
      report.rejected.push({ path: candidate.path, reason: candidate.error });
    } else {
      const outcome = await indexOne(repo, candidate.path, now().toISOString(), options.rehash ?? false);
      if ('reason' in outcome) report.rejected.push({ path: candidate.path, reason: outcome.reason });
      else {
        studies.add(outcome.studyId);
        if (outcome.unchanged) report.unchanged++;
        else report.added++;
        if (outcome.duplicateSop)
          report.duplicates.push({ path: candidate.path, sopInstanceUid: outcome.duplicateSop });
      }
    }
    const t = performance.now();
    if (t - lastTick > 100 || index === candidates.length - 1) {
      lastTick = t;
      options.onProgress?.({ done: index + 1, total: candidates.length });
      // Yield so the event loop (IPC, protocol requests) keeps flowing during long imports.
      await new Promise((r) => setImmediate(r));
    }
  }
  report.studyIds = [...studies];
  report.elapsedMs = Math.round(performance.now() - started);
  return report;
}

type Outcome = { studyId: string; unchanged: boolean; duplicateSop: string | null } | { reason: string };

async function indexOne(repo: IndexRepository, path: string, now: string, rehash: boolean): Promise<Outcome> {
  let bytes: Uint8Array;
  let fileStat: FileStat;
  const known = repo.findByPath(path);
  const unchanged = (): Outcome | null => {
    const study = known && repo.studyOfInstance(known.id);
    if (!known || !study) return null;
    const dup = repo.sameSop(known.sopUid, known.id).length > 0 ? known.sopUid : null;
    return { studyId: study, unchanged: true, duplicateSop: dup };
  };
  try {
    const info = await stat(path);
    if (info.size > MAX_FILE_BYTES) return { reason: `file too large (${info.size} bytes)` };
    fileStat = { size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs, ino: info.ino };
    // Same size, mtime, ctime and inode: unchanged without reading it (as git decides). ctime is what
    // gives away a file rewritten in place whose mtime was set back; the file's readers check the content.
    if (!rehash && known && sameStat(known, fileStat)) {
      const same = unchanged();
      if (same) return same;
    }
    bytes = new Uint8Array(await readFile(path));
  } catch (err) {
    return { reason: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
  const sha256 = await sha256Hex(bytes);
  if (known && known.sha256 === sha256) {
    const same = unchanged();
    if (same) {
      await retryWhileBusy(() => repo.restat(known.id, fileStat));
      return same;
    }
  }
  try {
    const parsed = parseDicom(bytes);
    const header = readHeader(parsed.dataSet);
    if (!header.hasPixelData)
      return { reason: 'no pixel data: not an image (e.g. a report or presentation state)' };
    if (!isSupportedTransferSyntax(parsed.transferSyntaxUid)) {
      return {
        reason: `unsupported pixel encoding: ${transferSyntaxName(parsed.transferSyntaxUid)} (${parsed.transferSyntaxUid})`,
      };
    }
    const pixelProblem = checkPixelData(parsed);
    if (pixelProblem) return { reason: pixelProblem };
    const indexed = {
      path,
      sha256,
      ...fileStat,
      size: bytes.byteLength,
      transferSyntaxUid: parsed.transferSyntaxUid,
      hasPart10Header: parsed.hasPart10Header,
      header,
    };
    const { studyId, instanceId } = await retryWhileBusy(() => repo.upsert(indexed, now));
    const dup = repo.sameSop(header.sopUid, instanceId).length > 0 ? header.sopUid : null;
    return { studyId, unchanged: false, duplicateSop: dup };
  } catch (err) {
    if (err instanceof DicomParseError || err instanceof HeaderError) return { reason: err.message };
    const refused = storageMessage(err);
    if (refused) return { reason: refused };
    return { reason: `cannot index: ${(err as Error).message ?? String(err)}` };
  }
}

const sameStat = (known: InstanceLocation, now: FileStat): boolean =>
  known.size === now.size &&
  known.mtimeMs === now.mtimeMs &&
  known.ctimeMs === now.ctimeMs &&
  known.ino === now.ino;
