// The preload's half of a drop: only Files the host knows a path for reach main, on the one channel
// the page cannot invoke itself.
import { describe, expect, it, vi } from 'vitest';
import { importDropped, NOTHING_DROPPED, TOO_MANY_DROPPED } from '../../src/preload/dropped-files';
import type { ImportReport } from '../../src/shared/domain';
import { invokeChannels, isPageChannel, MAX_DROPPED } from '../../src/shared/ipc-contract';

const REPORT: ImportReport = {
  scanned: 1,
  added: 1,
  unchanged: 0,
  rejected: [],
  duplicates: [],
  studyIds: [],
  elapsedMs: 1,
};

/** A host that knows the paths of these objects only, as webUtils knows only the user's dropped Files. */
function host(known: Map<object, string>) {
  const send = vi.fn(async (_paths: string[]) => REPORT);
  const pathOf = (file: unknown): string | null =>
    typeof file === 'object' && file ? (known.get(file) ?? null) : null;
  return { send, pathOf };
}

describe('importDropped', () => {
  it('sends the paths of the dropped files and leaves out what has none', async () => {
    const a = {};
    const b = {};
    const { send, pathOf } = host(
      new Map([
        [a, '/data/a.dcm'],
        [b, '/data/study'],
      ]),
    );
    expect(await importDropped([a, {}, '/etc', b], pathOf, send)).toBe(REPORT);
    expect(send).toHaveBeenCalledExactlyOnceWith(['/data/a.dcm', '/data/study']);
  });

  it('refuses a drop with no location on disk without calling main', async () => {
    const { send, pathOf } = host(new Map());
    await expect(importDropped([{}, '/'], pathOf, send)).rejects.toThrow(NOTHING_DROPPED);
    await expect(importDropped('/' as never, pathOf, send)).rejects.toThrow(NOTHING_DROPPED);
    await expect(importDropped({ length: 1, 0: '/' } as never, pathOf, send)).rejects.toThrow(
      NOTHING_DROPPED,
    );
    expect(send).not.toHaveBeenCalled();
  });

  it('refuses more than the contract takes by the length, before reading a file', async () => {
    const pathOf = vi.fn(() => '/data/a.dcm');
    const send = vi.fn(async (_paths: string[]) => REPORT);
    await expect(importDropped(new Array(MAX_DROPPED + 1), pathOf, send)).rejects.toThrow(TOO_MANY_DROPPED);
    expect(pathOf).not.toHaveBeenCalled();
    await importDropped(
      Array.from({ length: MAX_DROPPED }, () => ({})),
      pathOf,
      send,
    );
    const [paths] = send.mock.calls[0]!;
    expect(paths).toHaveLength(MAX_DROPPED);
    expect(invokeChannels['import:dropped'].args.safeParse({ paths }).success).toBe(true);
  });
});

describe('page channels', () => {
  it('are every channel but import:dropped', () => {
    expect(isPageChannel('import:dropped')).toBe(false);
    expect(isPageChannel('import:paths')).toBe(false);
    expect(isPageChannel('__proto__')).toBe(false);
    const page = Object.keys(invokeChannels).filter(isPageChannel);
    expect(page).toEqual(Object.keys(invokeChannels).filter((c) => c !== 'import:dropped'));
    expect(page).toContain('import:pick');
  });
});
