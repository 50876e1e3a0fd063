// What the report panel shows of a study's draft, folded from the stored draft and the progress events
// of the one being written.
import type { Draft, DraftModel, DraftProgress, Finding, ProviderChoice } from '../../shared/draft';

export type DraftView = {
  /** The draft being written; null when none is, or while drafts:start has not answered yet. */
  draftId: string | null;
  running: boolean;
  /** The pipeline's last stage message while running; the outcome ("cancelled") after. */
  status: string | null;
  provider: ProviderChoice | null;
  model: DraftModel | null;
  /** The report as far as written; the finished draft's cleaned report once done. */
  reportText: string;
  findings: Finding[];
  /** The image the boxes belong to. */
  sopInstanceUid: string | null;
  error: string | null;
};

export const emptyDraftView: DraftView = {
  draftId: null,
  running: false,
  status: null,
  provider: null,
  model: null,
  reportText: '',
  findings: [],
  sopInstanceUid: null,
  error: null,
};

export function viewOfDraft(draft: Draft | null): DraftView {
  if (!draft) return emptyDraftView;
  return {
    ...emptyDraftView,
    provider: draft.provider,
    model: draft.model,
    reportText: draft.report,
    findings: draft.findings,
    sopInstanceUid: draft.image.sopInstanceUid,
  };
}

/** A new draft was asked for: what was shown goes, until the new one's events come. */
export const startingView = (): DraftView => ({ ...emptyDraftView, running: true, status: 'Starting…' });

export function applyProgress(view: DraftView, event: DraftProgress['event']): DraftView {
  switch (event.kind) {
    case 'stage':
      return { ...view, status: event.message };
    case 'provider':
      return { ...view, provider: event.choice };
    case 'model':
      return { ...view, model: event.model };
    case 'report-text':
      return { ...view, reportText: view.reportText + event.delta };
    case 'finding':
      return { ...view, findings: [...view.findings.slice(0, event.index), event.finding] };
    case 'done':
      return { ...viewOfDraft(event.draft), status: null };
    case 'error':
      return {
        ...view,
        draftId: null,
        running: false,
        status: event.cancelled ? 'Draft cancelled.' : null,
        error: event.cancelled ? null : event.message,
      };
  }
}
