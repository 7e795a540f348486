import NextAuth from 'next-auth';
import { authOptions } from '@/lib/server/auth/options';

// Public by design: this is the sign-in endpoint itself.
const handler = (req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) => NextAuth(authOptions())(req, ctx);
export { handler as GET, handler as POST };
