#!/usr/bin/env node
// Part of `npm run build`, after tsc: bundles the compiled CLI (dist/src/main/cli.js) into
// dist/src/main/cli.bundle.mjs, which bin/readiness.mjs runs in an installed package. A CI step runs the CLI as a
// whole process, and resolving, reading and compiling ~180 separate modules (zod alone is ~95) was a large part of
// it: the bundle cut `config validate` from ~0.47 to ~0.36 s (bench/README.md, bench:footprint). What only some
// commands need stays out of the file and is imported from node_modules or dist/ when reached, as before: the check
// drivers (undici, pg, ioredis), which the probes import on first use, and the database side (`assess
// --require-signoff`, `migrate`: Prisma). The drivers are CommonJS: bundled behind a dynamic import, esbuild would
// give them a default export only, and the probes' named imports (`const { Agent } = await import('undici')`)
// would find nothing.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'src', 'main');
await build({
  entryPoints: [join(outdir, 'cli.js')],
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outfile: join(outdir, 'cli.bundle.mjs'),
  // The database side is imported from the bundle's own folder, dist/src/main/, so its relative paths still hold.
  external: ['undici', 'pg', 'ioredis', './stored-signoff-source.js', './migrate-database.js'],
  // A CommonJS package bundled in calls require() for Node's own modules, which ESM output has no binding for.
  banner: { js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);" },
  logLevel: 'warning',
});
