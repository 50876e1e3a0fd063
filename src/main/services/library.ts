// The study library: intake, index queries, tags and image bytes for one user data folder.
// Both the Electron main process and the CLI / test bridge use it unchanged.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ImportProgress, ImportReport, Study, StudySummary, TagDump } from '../../shared/domain';
import { dumpTags } from './dicom/dump-tags';
import { importPaths } from './dicom/intake';
import { headerWarnings, twinWarning } from './dicom/instance-warnings';
import { parseDicom } from './dicom/parse-dataset';
import { DEFLATED_LE, inflatePart10, wrapPart10 } from './dicom/part10';
import { transferSyntaxName } from './dicom/pixels/transfer-syntaxes';
import { DraftRepository } from './store/draft-repository';
import { FeedbackRepository } from './store/feedback-repository';
import { IndexRepository, type StudySort } from './store/index-repository';
import { openDatabase, type Db, type OpenDatabaseOptions } from './store/open-database';
import { SettingsRepository } from './store/settings-repository';

export class UserError extends Error {}

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
    const run = this.importing.then(() => importPaths(this.repo, paths, { onProgress }));
    this.importing = run.catch(() => undefined);
    return run;
  }

  importSamples(onProgress?: (p: ImportProgress) => void): Promise<ImportReport> {
    if (!this.samplesDir) throw new UserError('No sample studies are bundled with this build.');
    return this.importPaths([this.samplesDir], onProgress);
  }

  /** The instance as Part-10, non-deflated bytes; refused if its file vanished since intake. */
  async instanceBytes(instanceId: string): Promise<Uint8Array> {
    const loc = this.repo.instance(instanceId);
    if (!loc) throw new UserError('Unknown image.');
    const bytes = await this.readIndexed(loc.path);
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
    const loc = this.repo.instance(instanceId);
    if (!loc) throw new UserError('Unknown image.');
    const bytes = await this.readIndexed(loc.path);
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
