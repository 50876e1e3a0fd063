// The reading workflow's channels through dispatch, as the renderer calls them: the role comes first,
// a study is read, signed and measured, the site configuration is obeyed, and results match the contract.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BOX_OFF_IMAGE } from '../../../src/main/services/reading/apply-op';
import { STALE_MESSAGE } from '../../../src/main/services/reading/reading-service';
import type { InvokeChannel } from '../../../src/shared/ipc-contract';
import { useTempDirs } from '../../helpers/temp-dir';
import { importStudy, saveDraft } from '../services/reading/reading-fixtures';
import { setupHandlers, type HandlerSetupOptions } from './handler-setup';

const tempDir = useTempDirs();

async function setup(options: HandlerSetupOptions = {}) {
  const s = setupHandlers(tempDir, options);
  const { studyId, instance } = await importStudy(s.library);
  saveDraft(s.library, studyId, instance);
  return { ...s, studyId, instance };
}

describe('reading channels', () => {
  it('ask for a role first', async () => {
    const { library, studyId, instance, call, refusal } = await setup();
    expect(await call('profile:get', {})).toBeNull();
    const calls: [InvokeChannel, unknown][] = [
      ['reading:open', { studyId }],
      ['reading:apply', { studyId, revision: 0, op: { type: 'impression.set', text: 'x' } }],
      ['reading:undo', { studyId, revision: 0 }],
      ['reading:redo', { studyId, revision: 0 }],
      ['reading:sign', { studyId, revision: 0 }],
      ['reading:submit', { studyId, revision: 0 }],
      ['reading:revise', { studyId }],
      ['reading:exclude', { studyId, excluded: true, reason: null }],
      ['images:burned-in', { instanceId: instance.id }],
      ['images:confirm-clean', { instanceId: instance.id, clean: true }],
    ];
    for (const [channel, args] of calls) expect(await refusal(channel, args)).toBe('Choose your role first.');
    expect(library.repo.db.prepare('SELECT count(*) AS n FROM readings').get()).toEqual({ n: 0 });
    library.close();
  });

  it('read, sign and measure a study', async () => {
    const { library, studyId, instance, call, refusal } = await setup();
    const profile = await call('profile:set', { displayName: 'Dr Test', role: 'radiologist' });
    expect(await call('profile:get', {})).toEqual(profile);
    let r = await call('reading:open', { studyId });
    expect(r.findings).toHaveLength(2);
    const [heart] = r.findings;
    r = await call('reading:apply', {
      studyId,
      revision: r.revision,
      op: { type: 'finding.edit', findingId: heart!.id, text: 'Moderate cardiomegaly.' },
    });
    expect(
      await refusal('reading:apply', { studyId, revision: 0, op: { type: 'impression.set', text: 'x' } }),
    ).toBe(STALE_MESSAGE);
    r = await call('reading:undo', { studyId, revision: r.revision });
    expect(r.findings[0]!.state).toBe('pending');
    r = await call('reading:redo', { studyId, revision: r.revision });
    expect(r.findings[0]!.state).toBe('edited');
    r = await call('reading:sign', { studyId, revision: r.revision });
    expect(r).toMatchObject({ status: 'signed', signedBy: profile.readerId });
    expect(await refusal('reading:submit', { studyId, revision: r.revision })).toMatch(
      /only annotators submit/,
    );

    expect(await call('images:burned-in', { instanceId: instance.id })).toEqual({
      annotation: 'YES',
      confirmedClean: false,
      mayConfirm: true,
      changed: false,
    });
    expect(await call('images:confirm-clean', { instanceId: instance.id, clean: true })).toMatchObject({
      confirmedClean: true,
    });
    expect(library.feedback.isConfirmedClean(library.repo.instance(instance.id)!.sha256)).toBe(true);
    expect(await refusal('images:confirm-clean', { instanceId: '0123456789abcdef', clean: true })).toBe(
      'Unknown image.',
    );
    expect(await call('reading:exclude', { studyId, excluded: true, reason: 'test image' })).toBeNull();
    expect(library.feedback.list()[0]).toMatchObject({ excluded: true, excludeReason: 'test image' });
    // Both read back, as a reload of the window asks for them.
    expect(await call('reading:open', { studyId })).toMatchObject({
      exclude: { excluded: true, reason: 'test image' },
    });
    expect(await call('images:burned-in', { instanceId: instance.id })).toMatchObject({
      confirmedClean: true,
    });

    const summary = await call('quality:summary', {});
    expect(summary.models).toHaveLength(1);
    expect(summary.models[0]).toMatchObject({ modelId: 'lightbox-demo', modelVersion: '0.1.0', records: 1 });
    expect(summary.models[0]!.findings).toMatchObject({ edited: 1, accepted: 1 });
    expect(await call('quality:csv', {})).toContain('lightbox-demo');

    const v2 = await call('reading:revise', { studyId });
    expect(v2).toMatchObject({ version: 2, parentVersion: 1, status: 'in-progress' });
    library.close();
  });

  it('exports into a new folder where the dialog points, and nothing when it is cancelled', async () => {
    const cancelled = await setup({ exportDir: null });
    expect(await cancelled.call('feedback:export', { format: 'jsonl' })).toBeNull();
    cancelled.library.close();
    const outDir = join(tempDir(), 'export');
    const { library, call } = await setup({ exportDir: outDir });
    const first = await call('feedback:export', { format: 'jsonl', since: '2025-01-01' });
    expect(first?.format).toBe('jsonl');
    expect(dirname(first!.outDir)).toBe(outDir);
    expect(basename(first!.outDir)).toMatch(/^lightbox-jsonl-\d{4}-\d\d-\d\dT/);
    // The same place again: a second folder beside the first, which stays as it was.
    const second = await call('feedback:export', { format: 'jsonl' });
    expect(second!.outDir).not.toBe(first!.outDir);
    expect(readdirSync(outDir).sort()).toEqual([basename(first!.outDir), basename(second!.outDir)].sort());
    library.close();
  });
});

describe('boxes from the renderer', () => {
  /** Every box of a feedback record (pixel and normalized), wherever it sits. */
  const recordBoxes = (value: unknown): { pixel: Record<string, number>; normalized: number[] }[] => {
    if (typeof value !== 'object' || value === null) return [];
    if ('pixel' in value && 'normalized' in value) return [value as never];
    return Object.values(value).flatMap(recordBoxes);
  };

  it('are kept on the image in main: off-image boxes refused, hanging ones clamped, absurd ones invalid', async () => {
    const outDir = join(tempDir(), 'export');
    const { library, studyId, instance, call, refusal } = await setup({ exportDir: outDir });
    await call('profile:set', { displayName: 'Dr Test', role: 'radiologist' });
    let r = await call('reading:open', { studyId });
    const heart = r.findings[0]!;
    const add = (box: unknown, boxId: string) => ({
      studyId,
      revision: r.revision,
      op: { type: 'box.add', findingId: heart.id, boxId, box },
    });
    expect(instance).toMatchObject({ columns: 440, rows: 440 });
    expect(
      await refusal('reading:apply', add({ x: -5000, y: -5000, width: 10, height: 10 }, 'b'.repeat(16))),
    ).toBe(BOX_OFF_IMAGE);
    expect(
      await refusal('reading:apply', add({ x: 439, y: 10, width: 500, height: 50 }, 'b'.repeat(16))),
    ).toBe(BOX_OFF_IMAGE);
    for (const absurd of [
      { x: 1e308, y: 0, width: 1e308, height: 10 },
      { x: 0, y: 0, width: Infinity, height: 10 },
      { x: Number.NaN, y: 0, width: 10, height: 10 },
      { x: -1e6, y: 0, width: 2e6, height: 10 },
    ]) {
      expect(await refusal('reading:apply', add(absurd, 'b'.repeat(16)))).toMatch(
        /^Invalid request arguments: op\.box/,
      );
    }
    r = await call('reading:apply', add({ x: -5000, y: -5000, width: 5100, height: 5100 }, 'b'.repeat(16)));
    expect(r.findings[0]!.boxes[1]).toMatchObject({ x: 0, y: 0, width: 100, height: 100 });
    r = await call('reading:apply', {
      studyId,
      revision: r.revision,
      op: {
        type: 'box.update',
        boxId: heart.boxes[0]!.id,
        box: { x: 400, y: 300.004, width: 9e4, height: 9e4 },
      },
    });
    expect(r.findings[0]!.boxes[0]).toMatchObject({ x: 400, y: 300, width: 40, height: 140 });
    // Undo and redo replay what was stored: the clamped box.
    r = await call('reading:undo', { studyId, revision: r.revision });
    r = await call('reading:redo', { studyId, revision: r.revision });
    expect(r.findings[0]!.boxes[0]).toMatchObject({ x: 400, y: 300, width: 40, height: 140 });

    await call('reading:sign', { studyId, revision: r.revision });
    await call('images:confirm-clean', { instanceId: instance.id, clean: true });
    const summary = await call('feedback:export', { format: 'jsonl' });
    const exported = readFileSync(join(summary!.outDir, 'records.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    for (const records of [library.feedback.list().map((f) => f.record), exported]) {
      const boxes = recordBoxes(records);
      expect(boxes.map((b) => b.pixel)).toContainEqual({ x: 0, y: 0, width: 100, height: 100 });
      for (const { pixel, normalized } of boxes) {
        expect(pixel.x).toBeGreaterThanOrEqual(0);
        expect(pixel.y).toBeGreaterThanOrEqual(0);
        expect(pixel.x! + pixel.width!).toBeLessThanOrEqual(440);
        expect(pixel.y! + pixel.height!).toBeLessThanOrEqual(440);
        for (const n of normalized) expect(n >= 0 && n <= 1).toBe(true);
      }
    }
    library.close();
  });
});

describe('the site configuration', () => {
  it('fixes the role: profile:set is refused and an annotator submits', async () => {
    const { library, studyId, call, refusal } = await setup({
      site: { role: 'annotator', readerId: 'badge-4711' },
    });
    const profile = await call('profile:get', {});
    expect(profile).toMatchObject({ role: 'annotator', source: 'site' });
    expect(profile!.readerId).not.toContain('4711');
    expect(await refusal('profile:set', { displayName: 'X', role: 'radiologist' })).toMatch(
      /fixed by the site configuration/,
    );
    const r = await call('reading:open', { studyId });
    expect(
      await refusal('reading:apply', {
        studyId,
        revision: r.revision,
        op: { type: 'finding.reject', findingId: r.findings[0]!.id },
      }),
    ).toMatch(/only a radiologist can change the report text/);
    expect(await refusal('reading:sign', { studyId, revision: r.revision })).toBe(
      'Only a radiologist can sign a report.',
    );
    expect(await call('reading:submit', { studyId, revision: r.revision })).toMatchObject({
      status: 'submitted',
      signedBy: profile!.readerId,
    });
    // Releasing pixels past the burned-in gate is a radiologist's call; withdrawing one is anyone's.
    const instanceId = r.instanceId!;
    expect(await call('images:burned-in', { instanceId })).toMatchObject({ mayConfirm: false });
    expect(await refusal('images:confirm-clean', { instanceId, clean: true })).toMatch(
      /^Only a radiologist can confirm that an image shows no burned-in identifiers/,
    );
    const sha256 = library.repo.instance(instanceId)!.sha256;
    expect(library.feedback.isConfirmedClean(sha256)).toBe(false);
    library.feedback.confirmClean(sha256, true, 'r-00000000000000a1', '2025-03-01T08:00:00.000Z');
    expect(await call('images:confirm-clean', { instanceId, clean: false })).toMatchObject({
      confirmedClean: false,
    });
    library.close();
  });

  it('that is malformed is a message for the reader, not a crash', async () => {
    const { library, studyId, refusal } = await setup({ site: '{ "role": ' });
    const message = await refusal('profile:get', {});
    expect(message).toMatch(/site configuration .*site\.json is not valid JSON/);
    expect(await refusal('reading:open', { studyId })).toBe(message);
    library.close();
  });
});
