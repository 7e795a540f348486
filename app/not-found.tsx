import Link from 'next/link';
import { NAV_ITEMS } from '@/lib/permissions';

/** Any unknown address, or a case, model or run that does not exist: say so and offer the way back. */
export default function NotFound() {
  return (
    <main className="mx-auto max-w-lg p-12 text-center">
      <h1 className="mb-2 text-xl font-semibold">Page not found</h1>
      <p className="mb-4 text-slate-600">
        Nothing is at this address: the link may be mistyped, or the case, model or run it named does not exist.
      </p>
      <nav aria-label="Where to go" className="flex flex-wrap justify-center gap-3">
        {NAV_ITEMS.map((item) => (
          <Link key={item.href} href={item.href} className="text-blue-700 underline">
            {item.label}
          </Link>
        ))}
        <Link href="/login" className="text-blue-700 underline">
          Sign in
        </Link>
      </nav>
    </main>
  );
}
