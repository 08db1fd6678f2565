import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/**
 * The project's shared folder (test vectors, acceptance clients): HEARTH_SHARED, else `../shared`
 * beside the checkout, else /work/shared (where CI's fresh clone in a temp dir still finds it).
 * Tests that need it skip with one line when it is absent; nothing from it is copied here.
 */
export const SHARED_DIR: string | null = [
  process.env.HEARTH_SHARED,
  fileURLToPath(new URL('../../../shared', import.meta.url)),
  '/work/shared',
].find((d): d is string => !!d && existsSync(d)) ?? null;

export function sharedPath(...parts: string[]): string | null {
  if (!SHARED_DIR) return null;
  const p = join(SHARED_DIR, ...parts);
  return existsSync(p) ? p : null;
}
