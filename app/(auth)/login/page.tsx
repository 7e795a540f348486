import { redirect } from 'next/navigation';
import { currentUser } from '@/lib/server/auth/session';
import { LoginForm } from '@/components/layout/LoginForm';
import { safeReturnPath } from '@/lib/return-path';

export const dynamic = 'force-dynamic';

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams;
  const returnTo = safeReturnPath(typeof next === 'string' ? next : null);
  if (await currentUser()) redirect(returnTo ?? '/cases');
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="mb-1 text-xl font-semibold">TumorWatch</h1>
        <p className="mb-6 text-sm text-slate-500">Sign in to review, label and monitor segmentations.</p>
        <LoginForm returnTo={returnTo} />
      </div>
    </main>
  );
}
