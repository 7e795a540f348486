import fs from 'node:fs';
import path from 'node:path';

/** Every page and route handler under app/, as a URL with dynamic segments filled by a placeholder id. */
export function enumerateAppRoutes(root = 'app'): { pages: string[]; handlers: string[] } {
  const pages: string[] = [];
  const handlers: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/^page\.tsx?$/.test(entry.name)) pages.push(toUrl(path.dirname(full), root));
      else if (/^route\.ts$/.test(entry.name)) handlers.push(toUrl(path.dirname(full), root));
    }
  };
  walk(root);
  return { pages: pages.sort(), handlers: handlers.sort() };
}

function toUrl(dir: string, root: string): string {
  const segments = path
    .relative(root, dir)
    .split(path.sep)
    .filter((s) => s && !/^\(.*\)$/.test(s))
    .map((s) => (s.startsWith('[...') ? 'x/y' : s.startsWith('[') ? 'e2e-placeholder-id' : s));
  return '/' + segments.join('/');
}

/** Pages anyone may open. Everything else must send an anonymous visitor to the login page. */
export const PUBLIC_PAGES = new Set(['/login', '/forbidden']);
/** Route handlers anyone may call (the sign-in endpoint itself). */
export const PUBLIC_HANDLER_PREFIXES = ['/api/auth'];

/** Server action ids from the production build's manifest (every 'use server' export that the app references). */
export function serverActionIds(): string[] {
  const file = '.next/server/server-reference-manifest.json';
  if (!fs.existsSync(file)) throw new Error(`${file} missing: run next build first`);
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { node?: Record<string, unknown> };
  return Object.keys(manifest.node ?? {});
}

/** Exported async functions in lib/actions ('use server' files): the actions the app defines. */
export function declaredServerActions(): string[] {
  const dir = 'lib/actions';
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) => [...fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/export async function (\w+)/g)].map((m) => `${f}:${m[1]}`));
}
