import Link from 'next/link';
import type { ReactNode } from 'react';
import { NavLinks } from './nav-links';
import { UserMenu, type SignedInUser } from './user-menu';

/** `signedIn: false`: the sign-in page, without the navigation to pages that need a session. */
export function AppShell({ children, user, signedIn = true }: { children: ReactNode; user?: SignedInUser; signedIn?: boolean }) {
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="shell-nav" aria-label="Main">
        <Link href="/" className="shell-brand">
          id<span>lens</span>
        </Link>
        {signedIn ? <NavLinks /> : null}
        {user ? <UserMenu user={user} /> : null}
      </nav>
      <main id="main" className="shell-main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
