// The site configuration: a small JSON file an administrator deploys to fix a workstation's reader
// settings, e.g. { "role": "annotator", "readerId": "badge-4711" }. A file that is there but unreadable or
// malformed is an error the reader sees (the site meant something), never silently ignored.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { roleSchema } from '../../../shared/reading';
import { UserError } from '../library';

export const siteConfigSchema = z
  .object({
    /** Fixes the role: profile:set is refused while it is set. */
    role: roleSchema.optional(),
    /**
     * The site's name for the reader (login, badge number). Kept as it is when already a pseudonym
     * (r-<16 hex>, so a site can link one reader across workstations); otherwise only a keyed hash is kept.
     */
    readerId: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
export type SiteConfig = z.infer<typeof siteConfigSchema>;

/** null when the file does not exist. */
export function loadSiteConfig(file: string): SiteConfig | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UserError(`The site configuration ${file} cannot be read; ask your administrator to fix it.`);
  }
  const fix = 'fix or remove it, then restart Lightbox';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UserError(`The site configuration ${file} is not valid JSON; ${fix}.`);
  }
  const parsed = siteConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'the file';
    throw new UserError(`The site configuration ${file} is not valid (${where}: ${issue?.message}); ${fix}.`);
  }
  return parsed.data;
}
