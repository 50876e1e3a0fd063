// The render thread gives what rendering in the caller's thread gives (real samples, real codecs in a real
// worker thread), fails a bad file with the same message, and survives losing its thread.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RenderThread, renderPng } from '../../../../../src/main/services/dicom/pixels';
import { ROOT } from '../../../../helpers/paths';

const THREAD = join(ROOT, 'src/main/services/dicom/pixels/render-thread.ts');
const CRASHING = join(import.meta.dirname, 'crashing-render-thread.ts');
const JPEG2000 = readFileSync(join(ROOT, 'samples/cxr/nema-wg04_RG1_J2KI.dcm'));
const JPEG = readFileSync(join(ROOT, 'samples/cxr/siim-acr_nih_CR_jpegbaseline.dcm'));

const threads: RenderThread[] = [];
const open = (path: string, idleMs?: number) => {
  const thread = new RenderThread(path, idleMs);
  threads.push(thread);
  return thread;
};
afterEach(async () => {
  for (const t of threads.splice(0)) await t.close();
});

describe('RenderThread', () => {
  it('renders the same PNG and rendition as the calling thread, several images at once', async () => {
    const thread = open(THREAD);
    const inputs = [JPEG2000, JPEG, JPEG2000];
    const [here, there] = await Promise.all([
      Promise.all(inputs.map((b) => renderPng(b, { frame: 0, window: { kind: 'auto' } }))),
      Promise.all(inputs.map((b) => thread.render(b, { frame: 0, window: { kind: 'auto' } }))),
    ]);
    expect(there.map((r) => r.info)).toEqual(here.map((r) => r.info));
    for (const [i, r] of there.entries())
      expect(Buffer.from(r.png).equals(Buffer.from(here[i]!.png))).toBe(true);
    expect(there[0]!.info.transferSyntaxUid).toBe('1.2.840.10008.1.2.4.91');
  });

  it('fails a corrupt file with the message the calling thread gives, and goes on', async () => {
    const thread = open(THREAD);
    const corrupt = JPEG.subarray(0, 2000);
    const expected = await renderPng(corrupt, {}).then(
      () => 'rendered',
      (err: Error) => err.message,
    );
    expect(expected).not.toBe('rendered');
    await expect(thread.render(corrupt, {})).rejects.toThrow(expected);
    await expect(thread.render(JPEG, {})).resolves.toMatchObject({ info: { columns: expect.any(Number) } });
  });

  it('fails the images of a thread that died, and starts a new one for the next', async () => {
    const thread = open(CRASHING);
    const good = thread.render(JPEG, {});
    await expect(thread.render(new Uint8Array(0), {})).rejects.toThrow(
      'the render thread stopped (exit code 3)',
    );
    // The image queued beside the fatal one may have finished or been lost; it never hangs.
    await good.catch((err: Error) => expect(err.message).toContain('the render thread stopped'));
    const after = await thread.render(JPEG, {});
    expect(after.info.columns).toBeGreaterThan(0);
  });

  it('stops its thread when idle and starts it again on demand', async () => {
    const thread = open(THREAD, 10);
    await thread.render(JPEG, {});
    await new Promise((r) => setTimeout(r, 200));
    expect((thread as unknown as { worker: unknown }).worker).toBeNull();
    await expect(thread.render(JPEG, {})).resolves.toMatchObject({ info: { columns: expect.any(Number) } });
  });
});
