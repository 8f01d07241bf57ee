import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's root: the nearest folder above this module holding package.json. Run from the sources this is
 * two levels up (src/shared); compiled it is three (dist/src/shared), so the root is found, not counted.
 */
export function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return join(from, '..', '..');
  }
}

export const projectRoot = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
export const migrationsDir = join(projectRoot, 'prisma', 'migrations');
