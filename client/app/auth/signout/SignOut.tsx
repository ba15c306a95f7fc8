'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { api } from '@/lib/client-api';

/**
 * /auth/signout asks first. It used to sign out as soon as it loaded, so any page could sign a visitor
 * out by linking here (logout CSRF, docs/security.md F9).
 */
export function SignOut() {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  return (
    <div className="form card">
      <p>Sign out of MicroTick on this browser? Your open orders stay yours.</p>
      <button
        type="button"
        className="button button-primary"
        data-testid="confirm-signout"
        disabled={pending}
        aria-busy={pending || undefined}
        onClick={async () => {
          setPending(true);
          await api('POST', '/api/users/signout');
          router.replace('/');
          router.refresh();
        }}
      >
        {pending ? 'Signing out…' : 'Sign out'}
      </button>
      <p className="muted small">
        <Link href="/">Stay signed in</Link>
      </p>
    </div>
  );
}
