/** @type {import('next').NextConfig} */
const nextConfig = {
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
