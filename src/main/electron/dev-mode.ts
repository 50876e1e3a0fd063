// Development mode (developer tools, reload) only for an unpackaged app started with an explicit
// flag: a packaged build never offers them, whatever its command line or environment says.
export const DEVTOOLS_FLAG = '--devtools';
export const DEVTOOLS_ENV = 'LIGHTBOX_DEVTOOLS';

export interface Launch {
  isPackaged: boolean;
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
}

export function isDevelopment({ isPackaged, argv, env }: Launch): boolean {
  if (isPackaged) return false;
  return argv.includes(DEVTOOLS_FLAG) || env[DEVTOOLS_ENV] === '1';
}
