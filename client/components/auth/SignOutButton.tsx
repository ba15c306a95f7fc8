import { SignOutForm } from './SignOutForm';

/** The header's sign-out: a button that looks like a link. */
export function SignOutButton() {
  return <SignOutForm navigation="push" className="nav-form" buttonClassName="nav-button" />;
}
