import Link from 'next/link';
import type { ReactNode } from 'react';
import { NavLinks } from './nav-links';

export function AppShell({ children }: { children: ReactNode }) {
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="shell-nav" aria-label="Main">
        <Link href="/" className="shell-brand">
          id<span>lens</span>
        </Link>
        <NavLinks />
      </nav>
      <main id="main" className="shell-main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
