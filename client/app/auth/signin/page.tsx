import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AuthForm } from '@/components/auth/AuthForm';
import { getCurrentUser } from '@/lib/server-api';
import { safeNext } from '@/lib/paths';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string; reset?: string }>;
}) {
  const { next, reset } = await searchParams;
  if (await getCurrentUser()) redirect(safeNext(next));
  return (
    <div className="narrow">
      <h1>Sign in</h1>
      {reset && (
        <div className="alert alert-success" role="status" data-testid="reset-done">
          <p>Your password has been changed and every device was signed out. Sign in with your new password.</p>
        </div>
      )}
      <AuthForm mode="signin" next={next} />
    </div>
  );
}
