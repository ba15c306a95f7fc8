import Link from 'next/link';
import type { CurrentUser } from '@/lib/types';
import { SignOutButton } from './SignOutButton';

export function Header({ user }: { user: CurrentUser | null }) {
  return (
    <header className="site-header">
      <div className="container header-inner">
        <Link href="/" className="brand">
          <span aria-hidden="true" className="brand-mark">
            ◆
          </span>
          MicroTick
        </Link>
        <nav aria-label="Main" className="nav">
          <ul>
            {user ? (
              <>
                <li>
                  <Link href="/tickets/new" className="nav-cta">
                    Sell a ticket
                  </Link>
                </li>
                <li>
                  <Link href="/tickets/mine">My tickets</Link>
                </li>
                <li>
                  <Link href="/orders">My orders</Link>
                </li>
                <li className="nav-user">
                  <span className="muted small" data-testid="current-user">
                    {user.email}
                  </span>
                  <SignOutButton />
                </li>
              </>
            ) : (
              <>
                <li>
                  <Link href="/auth/signin">Sign in</Link>
                </li>
                <li>
                  <Link href="/auth/signup" className="nav-cta">
                    Sign up
                  </Link>
                </li>
              </>
            )}
          </ul>
        </nav>
      </div>
    </header>
  );
}
