import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AuthForm } from '@/components/auth/AuthForm';
import { getCurrentUser } from '@/lib/server-api';
import { safeNext } from '@/lib/paths';

export const metadata: Metadata = { title: 'Create an account' };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  if (await getCurrentUser()) redirect(safeNext(next));
  return (
    <div className="narrow">
      <h1>Create an account</h1>
      <p className="muted">Buy tickets with a secure hold, or sell the ones you can’t use.</p>
      <AuthForm mode="signup" next={next} />
    </div>
  );
}
