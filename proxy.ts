import { NextResponse, type NextRequest } from 'next/server';
import { RETURN_PATH_HEADER } from '@/lib/return-path';

/**
 * Tells server pages which address was asked for, so that a visitor sent to sign in comes back to it
 * (`requirePageUser` reads the header). It runs only for page requests: route handlers (/api, /dicomweb) and server
 * actions (a `next-action` header) are not matched, because a matched request has its body buffered by the proxy
 * (up to 10 MB) and uploads must stream to disk.
 */
export function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  headers.set(RETURN_PATH_HEADER, request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: [
    {
      source: '/((?!api/|dicomweb/|_next/static|_next/image|favicon.ico|login).*)',
      missing: [{ type: 'header', key: 'next-action' }],
    },
  ],
};
