import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/server-api';
import { SignOut } from './SignOut';

export const metadata: Metadata = { title: 'Sign out' };

export default async function SignOutPage() {
  if (!(await getCurrentUser())) redirect('/');
  return (
    <div className="narrow">
      <h1>Sign out</h1>
      <SignOut />
    </div>
  );
}
