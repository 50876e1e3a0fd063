import { describe, expect, it } from 'vitest';
import type { Draft, Finding } from '../../src/shared/draft';
import {
  applyProgress,
  startingView,
  viewOfDraft,
  type DraftView,
} from '../../src/renderer/report/draft-view';
import { intendedUseLabel } from '../../src/renderer/report/intended-use';

const finding = (text: string): Finding => ({
  text,
  status: 'abnormal',
  boxes: [{ x: 1, y: 2, width: 3, height: 4 }],
  box_source: 'model',
  dropped: [],
  grounding: null,
});

const model = {
  id: 'tiny',
  version: '1',
  variant: 'fp32',
  manifestSha256: 'a',
  checkpointSha256: null,
  intendedUse: 'demo-not-for-clinical-use',
};
const provider = { provider: 'cpu' as const, requested: 'auto' as const, fallbackReason: null };

describe('the report panel state', () => {
  it('streams text, provider, model and findings into a running draft', () => {
    let view: DraftView = { ...startingView(), draftId: 'd' };
    view = applyProgress(view, { kind: 'provider', choice: provider });
    view = applyProgress(view, { kind: 'model', model });
    view = applyProgress(view, { kind: 'report-text', delta: 'No effusion' });
    view = applyProgress(view, { kind: 'report-text', delta: '. Cardiomegaly.' });
    view = applyProgress(view, { kind: 'finding', index: 0, count: 2, finding: finding('a') });
    view = applyProgress(view, { kind: 'finding', index: 1, count: 2, finding: finding('b') });
    expect(view).toMatchObject({
      running: true,
      provider,
      model,
      reportText: 'No effusion. Cardiomegaly.',
      findings: [finding('a'), finding('b')],
    });
  });

  it('shows the finished draft: its cleaned report, not the raw text', () => {
    const draft = {
      model,
      provider,
      report: 'Cardiomegaly.',
      findings: [finding('Cardiomegaly.')],
      image: { sopInstanceUid: '1.2.3' },
    } as unknown as Draft;
    const view = applyProgress({ ...startingView(), reportText: 'raw<think>' }, { kind: 'done', draft });
    expect(view).toEqual({ ...viewOfDraft(draft), status: null });
    expect(view).toMatchObject({ running: false, reportText: 'Cardiomegaly.', sopInstanceUid: '1.2.3' });
  });

  it('ends with the error, or quietly when the user cancelled', () => {
    const running = { ...startingView(), draftId: 'd', reportText: 'partial' };
    expect(
      applyProgress(running, { kind: 'error', message: 'The inference process crashed', cancelled: false }),
    ).toMatchObject({ running: false, draftId: null, error: 'The inference process crashed' });
    expect(
      applyProgress(running, { kind: 'error', message: 'The draft was cancelled.', cancelled: true }),
    ).toMatchObject({ running: false, error: null, status: 'Draft cancelled.', reportText: 'partial' });
  });
});

describe('the intended-use label', () => {
  it('warns about demo packs and tells research packs apart', () => {
    expect(intendedUseLabel('demo-not-for-clinical-use')).toEqual({
      text: 'Demo model — not for clinical use',
      tone: 'warning',
    });
    expect(intendedUseLabel('clinical-research').tone).toBe('notice');
    expect(intendedUseLabel('something-new').text).toBe('Intended use: something-new');
  });
});
