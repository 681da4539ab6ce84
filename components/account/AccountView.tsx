import { useAccount } from '../../lib/stores/account';
import { QuotaCard } from '../QuotaCard';
import { SettingsSection } from '../settings/SettingsSection';
import '../settings/forms.css';
import { ProfileCard } from './ProfileCard';
import { Sora2Card } from './Sora2Card';
import { UsernameCard } from './UsernameCard';

/**
 * The side panel's Account view. The Sora parts need a session and are shown only with one; the settings
 * are local and always there.
 */
export function AccountView() {
  const { snapshot, refreshing, refresh } = useAccount();
  const signedIn = snapshot?.status === 'ok';
  return (
    <>
      <QuotaCard snapshot={snapshot} refreshing={refreshing} onRefresh={() => void refresh()} />
      {signedIn && <ProfileCard snapshot={snapshot} />}
      {signedIn && <Sora2Card email={snapshot.email} />}
      {signedIn && <UsernameCard current={snapshot.username} />}
      <SettingsSection />
    </>
  );
}
