// The phrase the reader selected for "Ground this": text selected in a finding or the impression
// (shown text or a text field being edited), and the finding it was selected in, if any.
export type PhraseSelection = { phrase: string; findingId: string | null };

/** The longest phrase drafts:ground takes. */
export const MAX_PHRASE = 300;

const findingIdOf = (el: Element | null): string | null =>
  el?.closest('[data-finding-id]')?.getAttribute('data-finding-id') ?? null;

/** null when nothing groundable is selected. */
export function selectedPhrase(doc: Document = document): PhraseSelection | null {
  const active = doc.activeElement;
  if (active instanceof HTMLTextAreaElement && active.closest('[data-groundable]')) {
    const phrase = active.value.slice(active.selectionStart, active.selectionEnd).trim();
    return phrase ? { phrase, findingId: findingIdOf(active) } : null;
  }
  const selection = doc.getSelection();
  const phrase = selection?.toString().trim() ?? '';
  const anchor = selection?.anchorNode ?? null;
  const at = anchor instanceof Element ? anchor : (anchor?.parentElement ?? null);
  if (!phrase || !at?.closest('[data-groundable]')) return null;
  return { phrase, findingId: findingIdOf(at) };
}
