#!/usr/bin/env node
// The `readiness` command (npx readiness …). An installed package runs the compiled CLI in dist/ with plain
// node: the single-file bundle `npm run build` makes (scripts/bundle-cli.mjs), or the compiled modules when a build
// made none. A development checkout (TypeScript sources and tsx present) runs the sources through tsx instead, so a
// stale dist/ left by an earlier `npm run build` is never what a developer or a test exercises.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const sources = new URL('../src/main/cli.ts', import.meta.url);
const bundled = new URL('../dist/src/main/cli.bundle.mjs', import.meta.url);
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
} else if (existsSync(bundled)) {
  await import(bundled.href);
} else if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  process.stderr.write('readiness: dist/ is missing; run `npm run build` first\n');
  process.exitCode = 2;
}
