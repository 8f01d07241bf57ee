#!/usr/bin/env node
// The `readiness` command (npx readiness …). An installed package runs the compiled CLI in dist/ with plain
// node. A development checkout (TypeScript sources and tsx present) runs the sources through tsx instead, so a
// stale dist/ left by an earlier `npm run build` is never what a developer or a test exercises.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const sources = new URL('../src/main/cli.ts', import.meta.url);
const compiled = new URL('../dist/src/main/cli.js', import.meta.url);

function tsxInstalled() {
  try {
    createRequire(import.meta.url).resolve('tsx/esm/api');
    return true;
  } catch {
    return false;
  }
}

if (existsSync(sources) && tsxInstalled()) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources.href);
} else if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  process.stderr.write('readiness: dist/ is missing; run `npm run build` first\n');
  process.exitCode = 2;
}
