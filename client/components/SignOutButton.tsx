'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { api } from '@/lib/client-api';

export function SignOutButton() {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      className="nav-button"
      disabled={pending}
      aria-busy={pending || undefined}
      onClick={async () => {
        setPending(true);
        await api('POST', '/api/users/signout');
        router.push('/');
        router.refresh();
        setPending(false);
      }}
    >
      {pending ? 'Signing out…' : 'Sign out'}
    </button>
  );
}
