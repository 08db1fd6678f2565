/**
 * Where the built console lives: `npm run build` (Vite, web/admin/vite.config.ts) writes it to
 * dist/admin-web at the package root. The root is found from this file upwards (the nearest
 * package.json), so the same code works from src under tsx and from the compiled dist/.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function defaultAdminAssets(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return join(dirname(from), 'admin-web');
    dir = up;
  }
  return join(dir, 'dist', 'admin-web');
}
