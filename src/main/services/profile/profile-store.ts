// Who reads at this workstation: the role (radiologists sign, annotators correct boxes) and a
// pseudonymous reader id, from the site configuration where it fixes them, else from the local profile
// chosen on first start. Records carry the reader id only; the display name never leaves this file.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { readerProfileSchema, type ReaderProfile, type Role } from '../../../shared/reading';
import { pseudonymDigest } from '../feedback/pseudonym';
import { UserError } from '../library';
import { PROFILE_FILE } from '../../paths';
import { makePrivateDirSync, makePrivateFileSync } from '../../private-files';
import { loadSiteConfig, type SiteConfig } from './site-config';

const localProfileSchema = readerProfileSchema.omit({ source: true });
type LocalProfile = Omit<ReaderProfile, 'source'>;

const READER_ID = /^r-[0-9a-f]{16}$/;

export type ProfileStoreOptions = {
  userDataDir: string;
  siteConfigFile: string;
  /** The library's pseudonym secret, which keys the hash of a site-given reader name. */
  secret: () => string;
};

export class ProfileStore {
  private readonly profileFile: string;
  /** Read once: the site's settings hold from start-up; an edited file counts after a restart. */
  private siteConfig: { value: SiteConfig | null } | { error: UserError } | null = null;

  constructor(private readonly options: ProfileStoreOptions) {
    this.profileFile = join(options.userDataDir, PROFILE_FILE);
  }

  /** null until a role is chosen (and the site does not fix one). */
  get(): ReaderProfile | null {
    const site = this.site();
    const local = this.readLocal();
    const siteReader = site?.readerId ? this.readerIdFromSite(site.readerId) : null;
    if (site?.role) {
      // A random id is made once and kept, so the reader's records stay linked across restarts.
      const readerId =
        siteReader ??
        local?.readerId ??
        this.writeLocal({ readerId: newReaderId(), displayName: '', role: site.role }).readerId;
      return { readerId, displayName: local?.displayName ?? '', role: site.role, source: 'site' };
    }
    if (!local) return null;
    return { ...local, readerId: siteReader ?? local.readerId, source: 'local' };
  }

  /** The profile every reading action needs. */
  require(): ReaderProfile {
    const profile = this.get();
    if (!profile) throw new UserError('Choose your role first.');
    return profile;
  }

  set(displayName: string, role: Role): ReaderProfile {
    if (this.site()?.role) {
      throw new UserError(
        'The role is fixed by the site configuration; ask your administrator to change it.',
      );
    }
    const readerId = this.readLocal()?.readerId ?? newReaderId();
    this.writeLocal({ readerId, displayName, role });
    return this.require();
  }

  private site(): SiteConfig | null {
    if (!this.siteConfig) {
      try {
        this.siteConfig = { value: loadSiteConfig(this.options.siteConfigFile) };
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        this.siteConfig = { error: err };
      }
    }
    if ('error' in this.siteConfig) throw this.siteConfig.error;
    return this.siteConfig.value;
  }

  private readerIdFromSite(value: string): string {
    if (READER_ID.test(value)) return value;
    return `r-${pseudonymDigest(this.options.secret(), 'reader', value).toString('hex').slice(0, 16)}`;
  }

  /** A missing or damaged profile counts as none: the reader is asked for a role again. */
  private readLocal(): LocalProfile | null {
    try {
      const parsed = localProfileSchema.safeParse(JSON.parse(readFileSync(this.profileFile, 'utf8')));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  /** Written to a temporary file, flushed, then renamed over the old one: never half a profile. */
  private writeLocal(profile: LocalProfile): LocalProfile {
    makePrivateDirSync(this.options.userDataDir);
    const tmp = `${this.profileFile}.${process.pid}.tmp`;
    // A temporary file left by a crash keeps its old mode through 'w': set it again.
    makePrivateFileSync(tmp);
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, `${JSON.stringify(profile, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.profileFile);
    return profile;
  }
}

const newReaderId = (): string => `r-${randomBytes(8).toString('hex')}`;
