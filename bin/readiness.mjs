#!/usr/bin/env node
// The `readiness` command (npx readiness …): runs the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('../src/main/cli.ts');
