// An impression main has not stored when its editor closes (the study closed while the disk was full or
// the library busy, or within the pause before a save): kept in this window's memory, never on disk, so
// the editor shows it again, and sends it again, when the study is opened next.
const byStudy = new Map<string, string>();

export const unsavedImpression = (studyId: string): string | null => byStudy.get(studyId) ?? null;

export function keepUnsavedImpression(studyId: string, text: string): void {
  byStudy.set(studyId, text);
}

/** Main has stored `text`: forgotten, unless the reader typed something newer since. */
export function forgetUnsavedImpression(studyId: string, text: string): void {
  if (byStudy.get(studyId) === text) byStudy.delete(studyId);
}
