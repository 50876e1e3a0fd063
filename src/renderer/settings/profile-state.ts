// Who reads at this workstation: asked for once (profile:get answers null until then), shown in the
// header, and changeable here unless the site configuration fixes it.
import { useCallback, useEffect, useState } from 'react';
import type { ReaderProfile, Role } from '../../shared/reading';

export type ProfileControl = {
  profile: ReaderProfile | null;
  /** profile:get has answered (a null profile then means: ask). */
  loaded: boolean;
  error: string | null;
  save(displayName: string, role: Role): Promise<void>;
};

export const roleLabel: Readonly<Record<Role, string>> = {
  radiologist: 'Radiologist',
  annotator: 'Annotator',
};

export function useProfile(): ProfileControl {
  const [profile, setProfile] = useState<ReaderProfile | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    window.lightbox.invoke('profile:get', {}).then(
      (p) => {
        if (!live) return;
        setProfile(p);
        setLoaded(true);
      },
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, []);

  const save = useCallback(async (displayName: string, role: Role) => {
    setProfile(await window.lightbox.invoke('profile:set', { displayName, role }));
    setLoaded(true);
  }, []);

  return { profile, loaded, error, save };
}
