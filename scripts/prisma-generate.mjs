#!/usr/bin/env node
// Runs `prisma generate` on machines that cannot download Prisma's native schema engine.
// `generate` never executes the engine, but the CLI insists on locating one; where none is installed
// we point PRISMA_SCHEMA_ENGINE_BINARY at a stub that explains itself if anything ever does run it.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const prismaCli = join(root, 'node_modules', 'prisma', 'build', 'index.js');

// A production install (`npm ci --omit=dev`, or the packed package installed as a dependency) has no prisma
// CLI and needs none: the compiled client ships in dist/. Only a development checkout generates it.
if (!existsSync(prismaCli)) {
  console.log('prisma CLI not installed (a production install): using the Prisma client compiled into dist/');
  process.exit(0);
}
const enginesDir = join(root, 'node_modules', '@prisma', 'engines');

function installedEngine() {
  if (!existsSync(enginesDir)) return undefined;
  return readdirSync(enginesDir).find((name) => name.startsWith('schema-engine'));
}

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY && !installedEngine()) {
  const stubDir = join(root, 'node_modules', '.cache', 'readiness');
  const stub = join(stubDir, 'schema-engine-stub');
  mkdirSync(stubDir, { recursive: true });
  writeFileSync(
    stub,
    '#!/bin/sh\necho "Prisma schema engine is not installed on this machine; use npm run db:migrate to apply migrations." >&2\nexit 1\n',
  );
  chmodSync(stub, 0o755);
  env.PRISMA_SCHEMA_ENGINE_BINARY = stub;
}

const result = spawnSync(process.execPath, [prismaCli, 'generate'], { cwd: root, env, stdio: 'inherit' });
process.exit(result.status ?? 1);
