import type { Metadata } from 'next';
import Link from 'next/link';
import { ResetPasswordForm } from '@/components/auth/ResetPasswordForm';

export const metadata: Metadata = { title: 'Choose a new password' };

export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  return (
    <div className="narrow">
      <h1>Choose a new password</h1>
      {typeof token === 'string' && token ? (
        <>
          <p className="muted">Every device signed in to your account will be signed out.</p>
          <ResetPasswordForm token={token} />
        </>
      ) : (
        <div className="alert alert-error" role="alert" data-testid="form-error">
          <p>
            This link is incomplete. Open the link from the email again, or{' '}
            <Link href="/auth/forgot-password">ask for a new one</Link>.
          </p>
        </div>
      )}
    </div>
  );
}
