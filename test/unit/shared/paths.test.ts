import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPackageRoot, migrationsDir, projectRoot } from '../../../src/shared/paths.ts';

describe('findPackageRoot', () => {
  it('finds the package from the sources (src/shared) and from the compiled build (dist/src/shared) alike', async () => {
    const pkg = await mkdtemp(join(tmpdir(), 'readiness-paths-'));
    await writeFile(join(pkg, 'package.json'), '{}');
    await mkdir(join(pkg, 'dist', 'src', 'shared'), { recursive: true });
    expect(findPackageRoot(join(pkg, 'src', 'shared'))).toBe(pkg);
    // Counting two levels up from dist/src/shared would land in dist/, where no migrations are shipped.
    expect(findPackageRoot(join(pkg, 'dist', 'src', 'shared'))).toBe(pkg);
  });

  it('points the migrations at prisma/migrations of this checkout', () => {
    expect(migrationsDir).toBe(join(projectRoot, 'prisma', 'migrations'));
  });
});
