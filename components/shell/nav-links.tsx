'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const LINKS = [
  { href: '/', label: 'Overview' },
  { href: '/map', label: 'Identity map' },
  { href: '/explain', label: 'Explain an error' },
  { href: '/tokens', label: 'Tokens' },
  { href: '/traces', label: 'Traces' },
  { href: '/flow', label: 'Flow' },
] as const;

export function NavLinks() {
  const pathname = usePathname();
  const isCurrent = (href: string) => (href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`));
  return (
    <ul>
      {LINKS.map((link) => (
        <li key={link.href}>
          <Link href={link.href} aria-current={isCurrent(link.href) ? 'page' : undefined}>
            {link.label}
          </Link>
        </li>
      ))}
    </ul>
  );
}
