// Logs carry no identifiers: callers pass channel names, counts and error kinds, never paths or
// header values.
type Level = 'info' | 'warn' | 'error';

const write = (level: Level, message: string, detail?: string): void => {
  const line = `${new Date().toISOString()} ${level} ${message}${detail ? ` (${detail})` : ''}`;
  if (level === 'error') console.error(line);
  else if (process.env.LIGHTBOX_LOG !== 'quiet') console.error(line);
};

export const log = {
  info: (message: string, detail?: string) => write('info', message, detail),
  warn: (message: string, detail?: string) => write('warn', message, detail),
  error: (message: string, detail?: string) => write('error', message, detail),
};
