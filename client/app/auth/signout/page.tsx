import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { SignOutForm } from '@/components/auth/SignOutForm';
import { getCurrentUser } from '@/lib/server-api';

export const metadata: Metadata = { title: 'Sign out' };

/**
 * /auth/signout asks first. It used to sign out as soon as it loaded, so any page could sign a visitor
 * out by linking here (logout CSRF, docs/security.md F9).
 */
export default async function SignOutPage() {
  if (!(await getCurrentUser())) redirect('/');
  return (
    <div className="narrow">
      <h1>Sign out</h1>
      <SignOutForm
        navigation="replace"
        className="form card"
        buttonClassName="button button-primary"
        testId="confirm-signout"
        before={<p>Sign out of MicroTick on this browser? Your open orders stay yours.</p>}
        after={
          <p className="muted small">
            <Link href="/">Stay signed in</Link>
          </p>
        }
      />
    </div>
  );
}
