import Link from 'next/link';
import { navFor, ROLE_LABELS, type RoleName } from '@/lib/permissions';
import { SignOutButton } from './SignOutButton';

export function AppNav({ user }: { user: { name: string; email: string; role: RoleName } }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <nav aria-label="Main" className="mx-auto flex max-w-7xl items-center gap-6 px-6 py-3 text-sm">
        <Link href="/cases" className="font-semibold">
          TumorWatch
        </Link>
        <ul className="flex flex-1 gap-4">
          {navFor(user.role).map((item) => (
            <li key={item.href}>
              <Link href={item.href} className="text-slate-600 hover:text-slate-900">
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
        <span className="text-slate-500" data-testid="current-user">
          {user.name} · {ROLE_LABELS[user.role]}
        </span>
        <SignOutButton />
      </nav>
    </header>
  );
}
