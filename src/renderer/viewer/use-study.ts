import { useEffect, useState } from 'react';
import type { Study } from '../../shared/domain';

type Loaded = { studyId: string; study: Study | null; error: string | null };

/** The study with its series and instances, or the user-facing error from studies:get. */
export function useStudy(studyId: string): { study: Study | null; error: string | null } {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  useEffect(() => {
    let live = true;
    window.lightbox.invoke('studies:get', { studyId }).then(
      (study) => live && setLoaded({ studyId, study, error: null }),
      (e: unknown) =>
        live && setLoaded({ studyId, study: null, error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [studyId]);
  const current = loaded?.studyId === studyId ? loaded : null;
  return { study: current?.study ?? null, error: current?.error ?? null };
}
