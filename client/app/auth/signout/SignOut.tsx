'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { api } from '@/lib/client-api';

/** Visiting /auth/signout signs out (a POST from the browser) and goes home. */
export function SignOut() {
  const router = useRouter();
  useEffect(() => {
    void api('POST', '/api/users/signout').then(() => {
      router.replace('/');
      router.refresh();
    });
  }, [router]);
  return (
    <p role="status" className="muted">
      <span className="spinner" aria-hidden="true" /> Signing you out…
    </p>
  );
}
