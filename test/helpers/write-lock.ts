// A real second process holding the library's write lock until released (hold-write-lock-child.ts).
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export type WriteLock = { release(): Promise<void> };

export async function holdWriteLock(dbFile: string): Promise<WriteLock> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'hold-write-lock-child.ts'), dbFile],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    void exited.then((code) => reject(new Error(`the lock holder ended before locking (exit ${code})`)));
  });
  return {
    release: async () => {
      child.stdin.end('release\n');
      const code = await exited;
      if (code !== 0) throw new Error(`the lock holder failed to commit (exit ${code})`);
    },
  };
}
