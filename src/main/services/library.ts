// The study library: intake, index queries, tags and image bytes for one user data folder.
// Both the Electron main process and the CLI / test bridge use it unchanged.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ImportProgress, ImportReport, Study, StudySummary, TagDump } from '../../shared/domain';
import { dumpTags } from './dicom/dump-tags';
import { sha256Hex } from './dicom/content-hash';
import { importPaths } from './dicom/intake';
import { headerWarnings, twinWarning } from './dicom/instance-warnings';
import { parseDicom } from './dicom/parse-dataset';
import { DEFLATED_LE, inflatePart10, wrapPart10 } from './dicom/part10';
import { transferSyntaxName } from './dicom/pixels/transfer-syntaxes';
import { DraftRepository } from './store/draft-repository';
import { FeedbackRepository } from './store/feedback-repository';
import { IndexRepository, type InstanceLocation, type StudySort } from './store/index-repository';
import { openDatabase, type Db, type OpenDatabaseOptions } from './store/open-database';
import { SettingsRepository } from './store/settings-repository';

export class UserError extends Error {}

/**
 * An indexed file whose bytes no longer match the sha256 pinned at intake. It has been re-indexed (or
 * could not be, said in the message); nothing read from it was handed on for the old index entry.
 */
export class ImageChangedError extends UserError {}

/** An image's Part-10 bytes, read now, and the content hash pinned at intake that they match. */
export type PinnedImage = { bytes: Uint8Array; sha256: string };

export class Library {
  readonly repo: IndexRepository;
  readonly drafts: DraftRepository;
  readonly feedback: FeedbackRepository;
  readonly settings: SettingsRepository;
  private importing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Db,
    readonly samplesDir: string | null,
  ) {
    this.repo = new IndexRepository(db);
    this.drafts = new DraftRepository(db);
    this.feedback = new FeedbackRepository(db);
    this.settings = new SettingsRepository(db);
  }

  static open(databaseFile: string, samplesDir: string | null, options?: OpenDatabaseOptions): Library {
    return new Library(openDatabase(databaseFile, options), samplesDir);
  }

  close(): void {
    this.db.close();
  }

  listStudies(search?: string, sort?: StudySort): StudySummary[] {
    return this.repo.listStudies(search, sort);
  }

  getStudy(studyId: string): Study {
    const study = this.repo.getStudy(studyId);
    if (!study) throw new UserError('This study is no longer in the library.');
    return study;
  }

  /** Imports run one at a time: a second request waits for the first instead of racing it. */
  importPaths(paths: readonly string[], onProgress?: (p: ImportProgress) => void): Promise<ImportReport> {
    return this.queueImport(() => importPaths(this.repo, paths, { onProgress }));
  }

  private queueImport(run: () => Promise<ImportReport>): Promise<ImportReport> {
    const queued = this.importing.then(run);
    this.importing = queued.catch(() => undefined);
    return queued;
  }

  importSamples(onProgress?: (p: ImportProgress) => void): Promise<ImportReport> {
    if (!this.samplesDir) throw new UserError('No sample studies are bundled with this build.');
    return this.importPaths([this.samplesDir], onProgress);
  }

  /** The instance as Part-10, non-deflated bytes; refused if its file vanished or changed since intake. */
  async instanceBytes(instanceId: string): Promise<Uint8Array> {
    return (await this.readImage(instanceId)).bytes;
  }

  /**
   * The instance's bytes, checked against the sha256 pinned at intake: a file that changed is re-indexed
   * through the normal intake and refused with ImageChangedError, so its new pixels are never handed on
   * as the image that was indexed, read or confirmed clean.
   */
  async readImage(instanceId: string): Promise<PinnedImage> {
    const { loc, raw, sha256 } = await this.readPinned(instanceId);
    return { bytes: this.part10(loc, raw), sha256 };
  }

  /** The file's bytes as they are on disk, once they matched the pin. */
  private async readPinned(
    instanceId: string,
  ): Promise<{ loc: InstanceLocation; raw: Uint8Array; sha256: string }> {
    const path = this.repo.instance(instanceId)?.path;
    if (!path) throw new UserError('Unknown image.');
    const raw = await this.readIndexed(path);
    const sha256 = await sha256Hex(raw);
    // Read again after the awaits: an import may have re-pinned the file meanwhile.
    const loc = this.repo.instance(instanceId);
    if (!loc || loc.path !== path) throw new UserError('This image is no longer in the library.');
    if (loc.sha256 !== sha256) throw await this.reindexChanged(path);
    return { loc, raw, sha256 };
  }

  /** Re-indexes a file found changed (hashing it, whatever its stat says); the error to refuse it with. */
  async reindexChanged(path: string): Promise<ImageChangedError> {
    const changed = 'The image file changed on disk after it was imported';
    const report = await this.queueImport(() => importPaths(this.repo, [path], { rehash: true }));
    const rejected = report.rejected[0];
    return new ImageChangedError(
      rejected
        ? `${changed}, and the new file cannot be indexed (${rejected.reason}).`
        : `${changed}; it has been indexed again, and a confirmation that the earlier file shows no ` +
            'burned-in identifiers does not carry over.',
    );
  }

  private part10(loc: InstanceLocation, bytes: Uint8Array): Uint8Array {
    if (loc.transferSyntaxUid === DEFLATED_LE) {
      return inflatePart10(bytes, { sopClassUid: loc.sopClassUid, sopInstanceUid: loc.sopUid });
    }
    if (!loc.hasPart10Header) {
      return wrapPart10(bytes, {
        sopClassUid: loc.sopClassUid,
        sopInstanceUid: loc.sopUid,
        transferSyntaxUid: loc.transferSyntaxUid,
      });
    }
    return bytes;
  }

  async instanceTags(instanceId: string): Promise<TagDump> {
    const { loc, raw: bytes } = await this.readPinned(instanceId);
    const { dataSet, hasPart10Header, transferSyntaxUid } = parseDicom(bytes);
    const warnings = headerWarnings(dataSet, hasPart10Header, transferSyntaxName(transferSyntaxUid));
    for (const twin of this.repo.sameSop(loc.sopUid, loc.id)) {
      try {
        warnings.push(
          twinWarning(dataSet, parseDicom(await this.readIndexed(twin.path)).dataSet, basename(twin.path)),
        );
      } catch {
        warnings.push(`SOPInstanceUID is shared with ${basename(twin.path)}, which can no longer be read.`);
      }
    }
    return { rows: dumpTags(dataSet), warnings };
  }

  private async readIndexed(path: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(path));
    } catch {
      throw new UserError(`The image file is missing from disk (${basename(path)}); re-import the study.`);
    }
  }
}
