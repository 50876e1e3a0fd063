// The reader profile from real files: the local profile chosen on first start, the site configuration
// that fixes the role or names the reader, and broken files.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { siteConfigFile } from '../../../../src/main/paths';
import { UserError } from '../../../../src/main/services/library';
import { ProfileStore } from '../../../../src/main/services/profile/profile-store';
import { useTempDirs } from '../../../helpers/temp-dir';

const tempDir = useTempDirs();
const SECRET = '11'.repeat(32);

function store(dir: string, site?: unknown, secret = SECRET): ProfileStore {
  const siteFile = join(dir, 'site.json');
  if (site !== undefined) writeFileSync(siteFile, typeof site === 'string' ? site : JSON.stringify(site));
  return new ProfileStore({ userDataDir: dir, siteConfigFile: siteFile, secret: () => secret });
}

describe('the local profile', () => {
  it('is absent until a role is chosen, then kept across restarts with the same reader id', () => {
    const dir = tempDir();
    const first = store(dir);
    expect(first.get()).toBeNull();
    expect(() => first.require()).toThrow(new UserError('Choose your role first.'));
    const chosen = first.set('Dr Who', 'radiologist');
    expect(chosen).toMatchObject({ displayName: 'Dr Who', role: 'radiologist', source: 'local' });
    expect(chosen.readerId).toMatch(/^r-[0-9a-f]{16}$/);
    const changed = store(dir).set('Dr Who', 'annotator');
    expect(changed).toEqual({ ...chosen, role: 'annotator' });
    expect(store(dir).get()).toEqual(changed);
    // Written by rename: no temporary file is left behind.
    expect(readdirSync(dir)).toEqual(['profile.json']);
    expect(JSON.parse(readFileSync(join(dir, 'profile.json'), 'utf8'))).toEqual({
      readerId: chosen.readerId,
      displayName: 'Dr Who',
      role: 'annotator',
    });
  });

  it('gives different readers different ids', () => {
    expect(store(tempDir()).set('A', 'radiologist').readerId).not.toBe(
      store(tempDir()).set('A', 'radiologist').readerId,
    );
  });

  it('counts a damaged file as no profile', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'profile.json'), '{"readerId": "r-12');
    expect(store(dir).get()).toBeNull();
    expect(store(dir).set('B', 'annotator').role).toBe('annotator');
  });
});

describe('the site configuration', () => {
  it('fixes the role: profile:set is refused, the reader id is made once and kept', () => {
    const dir = tempDir();
    const profile = store(dir, { role: 'annotator' }).get();
    expect(profile).toMatchObject({ role: 'annotator', source: 'site', displayName: '' });
    expect(profile!.readerId).toMatch(/^r-[0-9a-f]{16}$/);
    expect(store(dir).get()!.readerId).toBe(profile!.readerId);
    expect(() => store(dir).set('C', 'radiologist')).toThrow(/fixed by the site configuration/);
    expect(store(dir).get()!.role).toBe('annotator');
  });

  it('names the reader by a keyed hash of the site value, never the value itself', () => {
    const a = store(tempDir(), { role: 'radiologist', readerId: 'jsmith' }).get()!;
    const b = store(tempDir(), { role: 'radiologist', readerId: 'jsmith' }).get()!;
    const other = store(tempDir(), { role: 'radiologist', readerId: 'jsmith' }, '22'.repeat(32)).get()!;
    expect(a.readerId).toMatch(/^r-[0-9a-f]{16}$/);
    expect(a.readerId).toBe(b.readerId);
    expect(other.readerId).not.toBe(a.readerId);
    expect(JSON.stringify(a)).not.toContain('jsmith');
    // A site that hands out pseudonyms itself keeps them (one reader, one id on every workstation).
    expect(store(tempDir(), { readerId: 'r-0123456789abcdef' }).get()).toBeNull();
    const dir = tempDir();
    const local = store(dir, { readerId: 'r-0123456789abcdef' }).set('D', 'radiologist');
    expect(local).toMatchObject({ readerId: 'r-0123456789abcdef', role: 'radiologist', source: 'local' });
  });

  it.each([
    ['{ "role": "annotator", ', /is not valid JSON; fix or remove it, then restart Lightbox/],
    [{ role: 'surgeon' }, /is not valid \(role: /],
    [{ role: 'annotator', name: 'Dr X' }, /is not valid/],
    [{ readerId: '' }, /readerId/],
    ['[]', /is not valid/],
  ])('reports a malformed file %j as a clear error', (content, message) => {
    const dir = tempDir();
    const profiles = store(dir, content);
    expect(() => profiles.get()).toThrow(UserError);
    expect(() => profiles.get()).toThrow(message);
    expect(() => profiles.set('E', 'radiologist')).toThrow(message);
    expect(existsSync(join(dir, 'profile.json'))).toBe(false);
  });

  it('is read from LIGHTBOX_SITE_CONFIG when set, else from the user data folder', () => {
    expect(siteConfigFile('/data', {})).toBe(join('/data', 'site.json'));
    expect(siteConfigFile('/data', { LIGHTBOX_SITE_CONFIG: '/etc/lightbox/site.json' })).toBe(
      '/etc/lightbox/site.json',
    );
  });
});
