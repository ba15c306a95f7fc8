import Link from 'next/link';
import type { CurrentUser } from '@/lib/types';
import { NavLink } from './NavLink';
import { SignOutButton } from '../auth/SignOutButton';

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
                  <NavLink href="/tickets/new" className="nav-cta">
                    Sell a ticket
                  </NavLink>
                </li>
                <li>
                  <NavLink href="/tickets/mine">My tickets</NavLink>
                </li>
                <li>
                  <NavLink href="/orders">My orders</NavLink>
                </li>
                <li>
                  <NavLink href="/get-paid">Get paid</NavLink>
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
                  <NavLink href="/auth/signin">Sign in</NavLink>
                </li>
                <li>
                  <NavLink href="/auth/signup" className="nav-cta">
                    Sign up
                  </NavLink>
                </li>
              </>
            )}
          </ul>
        </nav>
      </div>
    </header>
  );
}
