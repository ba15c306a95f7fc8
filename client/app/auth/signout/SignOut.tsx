'use client';

import Link from 'next/link';
import { signOutAction } from '@/lib/actions';
import { useSignOut } from '@/lib/use-sign-out';

/**
 * /auth/signout asks first. It used to sign out as soon as it loaded, so any page could sign a visitor
 * out by linking here (logout CSRF, docs/security.md F9).
 */
export function SignOut() {
  const { pending, signOut } = useSignOut('replace');
  return (
    <form
      action={signOutAction}
      className="form card"
      onSubmit={(event) => {
        event.preventDefault();
        void signOut();
      }}
    >
      <p>Sign out of MicroTick on this browser? Your open orders stay yours.</p>
      <button
        type="submit"
        className="button button-primary"
        data-testid="confirm-signout"
        disabled={pending}
        aria-busy={pending || undefined}
      >
        {pending ? 'Signing out…' : 'Sign out'}
      </button>
      <p className="muted small">
        <Link href="/">Stay signed in</Link>
      </p>
    </form>
  );
}
