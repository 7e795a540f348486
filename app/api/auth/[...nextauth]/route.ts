import NextAuth from 'next-auth';
import { NextRequest } from 'next/server';
import { authOptions } from '@/lib/server/auth/options';
import { handleRoute } from '@/lib/server/http';
import { readBoundedBody } from '@/lib/server/http/body';

/** Sign-in and sign-out forms are a few hundred bytes; next-auth itself would read any body whole, from anyone. */
const MAX_AUTH_BODY_BYTES = 64 * 1024;

// Public by design: this is the sign-in endpoint itself.
const GET = (req: NextRequest, ctx: { params: Promise<{ nextauth: string[] }> }) => NextAuth(authOptions())(req, ctx);

/** Signing out also empties the browser's HTTP cache: scans fetched in the session must not stay on a shared workstation. */
function clearingCache(res: Response): Response {
  const headers = new Headers(res.headers);
  headers.set('Clear-Site-Data', '"cache"');
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

const POST = handleRoute(async (req: NextRequest, ctx: { params: Promise<{ nextauth: string[] }> }) => {
  const body = await readBoundedBody(req, MAX_AUTH_BODY_BYTES, 'The request is too large.');
  const bounded = new NextRequest(req.url, { method: req.method, headers: req.headers, body, signal: req.signal });
  const res = await NextAuth(authOptions())(bounded, ctx);
  return (await ctx.params).nextauth[0] === 'signout' ? clearingCache(res) : res;
});

export { GET, POST };
