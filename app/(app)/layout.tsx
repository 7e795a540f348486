import { currentUser, redirectToLogin } from '@/lib/server/auth/session';
import { AppNav } from '@/components/layout/AppNav';

export const dynamic = 'force-dynamic';

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const user = await currentUser();
  if (!user) return redirectToLogin();
  return (
    <div className="min-h-screen">
      <AppNav user={{ name: user.name, email: user.email, role: user.role }} />
      <main className="mx-auto max-w-7xl p-6">{children}</main>
    </div>
  );
}
