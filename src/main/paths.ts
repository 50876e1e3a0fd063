// Where Lightbox keeps its data, the same folder Electron's app.getPath('userData') gives, so the
// CLI and the app share one library.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const PRODUCT_NAME = 'Lightbox';
export const DATABASE_FILE = 'lightbox.sqlite';
/** Model-pack files' sha256 by size and mtime, shared by the app and `lightbox draft`. */
export const MODEL_HASHES_FILE = 'model-pack-hashes.json';
/** The reader chosen on this machine (role, pseudonymous reader id, display name). */
export const PROFILE_FILE = 'profile.json';
/** A site's fixed reader settings, unless LIGHTBOX_SITE_CONFIG names another file. */
export const SITE_CONFIG_FILE = 'site.json';

export const siteConfigFile = (userDataDir: string, env: NodeJS.ProcessEnv = process.env): string =>
  env.LIGHTBOX_SITE_CONFIG || join(userDataDir, SITE_CONFIG_FILE);

export function defaultUserDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): string {
  if (env.LIGHTBOX_DATA_DIR) return env.LIGHTBOX_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), PRODUCT_NAME);
}
