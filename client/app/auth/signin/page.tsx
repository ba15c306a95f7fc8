import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AuthForm } from '@/components/auth/AuthForm';
import { getCurrentUser } from '@/lib/server-api';
import { safeNext } from '@/lib/paths';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  if (await getCurrentUser()) redirect(safeNext(next));
  return (
    <div className="narrow">
      <h1>Sign in</h1>
      <AuthForm mode="signin" next={next} />
    </div>
  );
}
