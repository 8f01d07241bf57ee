#!/usr/bin/env node
// Part of `npm run build`, after tsc: bundles the compiled CLI (dist/src/main/cli.js) into
// dist/src/main/cli.bundle.mjs, which bin/readiness.mjs runs in an installed package. A CI step runs the CLI as a
// whole process, and resolving, reading and compiling ~180 separate modules (zod alone is ~95) was a large part of
// it: the bundle cut `config validate` from ~0.47 to ~0.36 s (bench/README.md, bench:footprint). What only some
// commands need stays out of the main file: the check drivers (undici, pg, ioredis), which the probes import on
// first use, become chunks of their own (cli-chunks/), and the database side (`assess --require-signoff`,
// `migrate`: Prisma) stays the compiled dist/ module it is imported from.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'src', 'main');
rmSync(join(outdir, 'cli-chunks'), { recursive: true, force: true });

await build({
  entryPoints: [join(outdir, 'cli.js')],
  bundle: true,
  // Dynamic imports become chunks loaded when reached, as the separate modules were.
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir,
  entryNames: '[name].bundle',
  chunkNames: 'cli-chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  // Imported on demand from the same folder as the bundle, so the relative paths still hold.
  external: ['./stored-signoff-source.js', './migrate-database.js'],
  // The CommonJS packages bundled in (pg, ioredis) call require() for Node's own modules.
  banner: { js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);" },
  logLevel: 'warning',
});
