// The reader in the header: role and name. A local profile opens its dialog to switch; a site's
// profile is fixed by the site configuration.
import type { ReaderProfile } from '../../shared/reading';
import { roleLabel } from './profile-state';

type Props = { profile: ReaderProfile; onEdit: () => void };

export function ProfileBadge({ profile, onEdit }: Props) {
  const local = profile.source === 'local';
  return (
    <button
      type="button"
      className="profile-badge"
      data-testid="reader-profile"
      data-role={profile.role}
      disabled={!local}
      title={local ? 'Reader profile: change name or role' : 'Set by the site configuration'}
      onClick={onEdit}
    >
      <span className="role">{roleLabel[profile.role]}</span> {profile.displayName}
    </button>
  );
}
