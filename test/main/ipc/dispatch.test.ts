import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it, vi } from 'vitest';
import { ARGS_LIMITS, NOT_PLAIN, TOO_DEEP, TOO_LARGE } from '../../../src/main/ipc/args-bounds';
import { dispatch } from '../../../src/main/ipc/dispatch';
import type { Handlers } from '../../../src/main/ipc/handlers';
import { SAMPLES } from '../../helpers/paths';
import { useTempDirs } from '../../helpers/temp-dir';
import { setupHandlers } from './handler-setup';

const tempDir = useTempDirs();

const setup = (pick: string[] | null = null) => setupHandlers(tempDir, { pick });

const ID = '0123456789abcdef';
const op = (o: Record<string, unknown>) => ({ studyId: ID, revision: 0, op: o });

describe('dispatch', () => {
  it('answers valid calls in an ok envelope', async () => {
    const { handlers, library } = setup();
    expect(await dispatch(handlers, 'app:info', {})).toEqual({
      ok: true,
      value: { version: '1.2.3', imageBaseUrl: 'lightbox://app/image/', samplesAvailable: true },
    });
    library.close();
  });

  it.each([
    ['studies:get', { studyId: '../../etc/passwd' }, /studyId/],
    ['studies:get', { studyId: 42 }, /studyId/],
    ['studies:get', {}, /studyId/],
    ['studies:list', { search: 'x'.repeat(201) }, /search/],
    ['studies:list', { sort: { key: 'password', dir: 'asc' } }, /sort/],
    ['studies:list', { extra: true }, /Invalid request arguments/],
    ['import:dropped', { paths: [] }, /paths/],
    ['import:dropped', { paths: 'not-a-list' }, /paths/],
    ['import:dropped', { paths: ['a'.repeat(5000)] }, /paths/],
    ['import:pick', { kind: 'everything' }, /kind/],
    ['app:info', null, /Invalid request arguments/],
    ['reading:open', { studyId: 'x' }, /studyId/],
    ['reading:apply', { ...op({ type: 'impression.set', text: '' }), revision: -1 }, /revision/],
    ['reading:apply', { ...op({ type: 'impression.set', text: '' }), revision: 1.5 }, /revision/],
    ['reading:apply', op({ type: 'finding.delete', findingId: ID }), /op/],
    ['reading:apply', op({ type: 'impression.set', text: 'x'.repeat(20_001) }), /op\.text/],
    ['reading:apply', op({ type: 'finding.edit', findingId: '../1', text: 'x' }), /op\.findingId/],
    [
      'reading:apply',
      op({ type: 'box.update', boxId: ID, box: { x: 0, y: 0, width: 0, height: 5 } }),
      /op\.box/,
    ],
    [
      'reading:apply',
      op({ type: 'box.add', findingId: ID, boxId: ID, box: { x: 'a', y: 0, width: 1, height: 1 } }),
      /op\.box/,
    ],
    ['reading:apply', { studyId: ID, revision: 0 }, /op/],
    ['reading:undo', { studyId: ID }, /revision/],
    ['reading:sign', { studyId: ID, revision: '3' }, /revision/],
    ['reading:revise', { studyId: ID, revision: 0 }, /Invalid request arguments/],
    ['reading:exclude', { studyId: ID, excluded: true, reason: 'r'.repeat(501) }, /reason/],
    ['reading:exclude', { studyId: ID, reason: null }, /excluded/],
    ['profile:set', { displayName: '   ', role: 'radiologist' }, /displayName/],
    ['profile:set', { displayName: 'A', role: 'admin' }, /role/],
    ['profile:set', { displayName: 'A', role: 'radiologist', readerId: 'r-0123456789abcdef' }, /Invalid/],
    ['profile:get', { role: 'radiologist' }, /Invalid request arguments/],
    ['images:confirm-clean', { instanceId: ID, clean: 'yes' }, /clean/],
    ['feedback:export', { format: 'csv' }, /format/],
    ['feedback:export', { format: 'jsonl', since: 'yesterday' }, /since/],
    ['feedback:export', { format: 'jsonl', modelId: 'm'.repeat(201) }, /modelId/],
    ['drafts:ground', { studyId: ID, phrase: '   ' }, /phrase/],
    ['drafts:ground', { studyId: ID, phrase: 'p'.repeat(301) }, /phrase/],
    ['quality:csv', { all: true }, /Invalid request arguments/],
  ])('refuses %s with malformed arguments %j', async (channel, args, message) => {
    const { handlers, library } = setup();
    const answer = await dispatch(handlers, channel, args);
    expect(answer.ok).toBe(false);
    if (!answer.ok) expect(answer.error).toMatch(message);
    library.close();
  });

  it('refuses unknown channels, prototype keys and oversized arguments before any handler runs', async () => {
    const { handlers, library } = setup();
    expect(await dispatch(handlers, 'fs:read', {})).toEqual({ ok: false, error: 'Unknown request.' });
    expect(await dispatch(handlers, '__proto__', {})).toEqual({ ok: false, error: 'Unknown request.' });
    expect(await dispatch(handlers, 'toString', {})).toEqual({ ok: false, error: 'Unknown request.' });
    const huge = { paths: Array.from({ length: 1000 }, () => 'p'.repeat(4000)) };
    expect(await dispatch(handlers, 'import:dropped', huge)).toEqual({ ok: false, error: TOO_LARGE });
    const longText = op({ type: 'finding.add', findingId: ID, text: 'x'.repeat(ARGS_LIMITS.chars) });
    expect(await dispatch(handlers, 'reading:apply', longText)).toEqual({ ok: false, error: TOO_LARGE });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(await dispatch(handlers, 'studies:list', cyclic)).toEqual({ ok: false, error: TOO_DEEP });
    library.close();
  });

  it('refuses hostile structured-clone arguments before anything serialises or parses them', async () => {
    const { handlers, library } = setup();
    const ran = vi.fn();
    const watched = new Proxy(handlers, {
      get: (target, key) => (ran(key), Reflect.get(target, key) as unknown),
    }) as Handlers;
    const sparse: unknown[] = [];
    sparse[2 ** 32 - 2] = '/';
    let deep: unknown = {};
    for (let i = 0; i < 1000; i += 1) deep = { search: deep };
    const hostile: [string, unknown, string][] = [
      ['import:dropped', { paths: new Array(5e7) }, TOO_LARGE],
      ['import:dropped', { paths: sparse }, TOO_LARGE],
      ['studies:list', deep, TOO_DEEP],
      ['reading:apply', { studyId: ID, revision: 0, op: new Map([['type', 'impression.set']]) }, NOT_PLAIN],
      ['studies:list', new Float64Array(1e7), NOT_PLAIN],
    ];
    const stringify = vi.spyOn(JSON, 'stringify');
    for (const [channel, value, error] of hostile) {
      const arrived = deserialize(serialize(value)) as unknown;
      expect(await dispatch(watched, channel, arrived)).toEqual({ ok: false, error });
    }
    expect(stringify).not.toHaveBeenCalled();
    expect(ran).not.toHaveBeenCalled();
    stringify.mockRestore();
    library.close();
  });

  it('turns service errors into user messages and hides unexpected ones', async () => {
    const { handlers, library } = setup();
    expect(await dispatch(handlers, 'studies:get', { studyId: '0123456789abcdef' })).toEqual({
      ok: false,
      error: 'This study is no longer in the library.',
    });
    library.close();
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const answer = await dispatch(handlers, 'studies:list', {});
    expect(answer).toEqual({ ok: false, error: 'Something went wrong; the details are in the log.' });
    expect(spy.mock.calls.flat().join(' ')).not.toContain(SAMPLES);
    spy.mockRestore();
  });

  it('imports samples with progress events, and picks paths through the dialog hook', async () => {
    const { handlers, emit, library } = setup([join(SAMPLES, 'cxr/barre_CR-MONO1-10-chest.dcm')]);
    const samples = await dispatch(handlers, 'import:samples', {});
    expect(samples.ok && (samples.value as { added: number }).added).toBe(4);
    expect(emit).toHaveBeenCalledWith(
      'import:progress',
      expect.objectContaining({ done: expect.any(Number) }),
    );
    const picked = await dispatch(handlers, 'import:pick', { kind: 'files' });
    expect(picked.ok && (picked.value as { unchanged: number }).unchanged).toBe(1);
    library.close();
  });

  it('returns null when the dialog is cancelled', async () => {
    const { handlers, library } = setup(null);
    expect(await dispatch(handlers, 'import:pick', { kind: 'folder' })).toEqual({ ok: true, value: null });
    library.close();
  });
});
