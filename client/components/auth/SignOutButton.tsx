'use client';

import { useSignOut } from '@/lib/use-sign-out';

export function SignOutButton() {
  const { pending, signOut } = useSignOut('push');
  return (
    <button type="button" className="nav-button" disabled={pending} aria-busy={pending || undefined} onClick={signOut}>
      {pending ? 'Signing out…' : 'Sign out'}
    </button>
  );
}
