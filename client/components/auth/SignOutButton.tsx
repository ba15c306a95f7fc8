'use client';

import { signOutAction } from '@/lib/actions';
import { useSignOut } from '@/lib/use-sign-out';

/** A form, so signing out works before (or without) JavaScript; with it, the browser signs out in place. */
export function SignOutButton() {
  const { pending, signOut } = useSignOut('push');
  return (
    <form
      action={signOutAction}
      className="nav-form"
      onSubmit={(event) => {
        event.preventDefault();
        void signOut();
      }}
    >
      <button type="submit" className="nav-button" disabled={pending} aria-busy={pending || undefined}>
        {pending ? 'Signing out…' : 'Sign out'}
      </button>
    </form>
  );
}
