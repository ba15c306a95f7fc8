import type { Metadata } from 'next';
import { SignOut } from './SignOut';

export const metadata: Metadata = { title: 'Sign out' };

export default function SignOutPage() {
  return <SignOut />;
}
