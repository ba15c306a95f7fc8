import type { Metadata } from 'next';
import Link from 'next/link';
import { ForgotPasswordForm } from '@/components/auth/ForgotPasswordForm';

export const metadata: Metadata = { title: 'Forgot password' };

export default async function ForgotPasswordPage({ searchParams }: { searchParams: Promise<{ sent?: string }> }) {
  const { sent } = await searchParams;
  return (
    <div className="narrow">
      <h1>Forgot your password?</h1>
      {sent ? (
        <div className="alert alert-success" role="status" data-testid="reset-sent">
          <p>
            If an account uses that email, we have sent it a link to choose a new password. The link works once, for 30
            minutes.
          </p>
          <p>
            Nothing arrived? Check your spam folder, or <Link href="/auth/forgot-password">send it again</Link>. Or{' '}
            <Link href="/auth/signin">sign in</Link>.
          </p>
        </div>
      ) : (
        <>
          <p className="muted">Enter the email you signed up with and we will send you a link to choose a new one.</p>
          <ForgotPasswordForm />
        </>
      )}
    </div>
  );
}
