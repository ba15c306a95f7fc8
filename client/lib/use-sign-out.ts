'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { api } from '@/lib/browser-api';

/** Signs out (POST, the server clears the cookie), then goes home and re-renders signed out. */
export function useSignOut(navigation: 'push' | 'replace') {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const signOut = async () => {
    setPending(true);
    await api('POST', '/api/users/signout');
    router[navigation]('/');
    router.refresh();
    setPending(false);
  };
  return { pending, signOut };
}
