const production = process.env.NODE_ENV === 'production';

/**
 * Security headers on every response. The CSP allows what the app, NiiVue (WebGL2, blob: workers, WebAssembly) and
 * Observable Plot (inline SVG styles) need and nothing else; scripts keep 'unsafe-inline' because Next.js bootstraps
 * each page with inline scripts (a per-request nonce would need a proxy on every request; left as a next step).
 * frame-ancestors 'none' (and X-Frame-Options for older browsers) stops the signed promotion form being framed.
 */
const csp = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'${production ? '' : " 'unsafe-eval'"}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' blob: data:",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders = [
  { key: 'Content-Security-Policy', value: csp },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'same-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
  // Browsers honour HSTS only over HTTPS; production is served behind TLS (README, running at scale).
  ...(production ? [{ key: 'Strict-Transport-Security', value: 'max-age=63072000; includeSubDomains' }] : []),
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }];
  },
  // Native and Wasm-engine packages must stay unbundled (shared notes/offline-stack.md).
  serverExternalPackages: [
    'onnxruntime-node',
    'better-sqlite3',
    'pg',
    'pg-boss',
    '@prisma/adapter-better-sqlite3',
    '@prisma/adapter-pg',
    '@prisma/client',
    'pdfkit',
  ],
  poweredByHeader: false,
  // `npm test` type-checks the whole project once with `tsc --noEmit`; checking again inside every build only costs time.
  typescript: { ignoreBuildErrors: true },
  typedRoutes: false,
  // Server actions carry ids and short text; files go to the upload route handlers, which stream them under their own
  // limits. Next.js counts an action's body as it arrives and answers 413 past this.
  experimental: { serverActions: { bodySizeLimit: '1mb' } },
};
module.exports = nextConfig;
