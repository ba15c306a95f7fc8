'use client';

import { useRouter } from 'next/navigation';
import { useState, type ReactNode } from 'react';
import { signOutAction } from '@/lib/actions';
import { api } from '@/lib/browser-api';

/**
 * Signing out is a form, so it works before (or without) JavaScript; with it, the browser signs out in
 * place (POST, the server clears the cookie), then goes home (`navigation`) and re-renders signed out.
 */
export function SignOutForm({
  navigation,
  className,
  buttonClassName,
  testId,
  before,
  after,
}: {
  navigation: 'push' | 'replace';
  className: string;
  buttonClassName: string;
  testId?: string;
  before?: ReactNode;
  after?: ReactNode;
}) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const signOut = async () => {
    setPending(true);
    await api('POST', '/api/users/signout');
    router[navigation]('/');
    router.refresh();
    setPending(false);
  };
  return (
    <form
      action={signOutAction}
      className={className}
      onSubmit={(event) => {
        event.preventDefault();
        void signOut();
      }}
    >
      {before}
      <button
        type="submit"
        className={buttonClassName}
        data-testid={testId}
        disabled={pending}
        aria-busy={pending || undefined}
      >
        {pending ? 'Signing out…' : 'Sign out'}
      </button>
      {after}
    </form>
  );
}
