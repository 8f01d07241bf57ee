import { runCli } from '../cli/cli.ts';
import { cliDeps } from './cli-deps.ts';

// A reader that stops early (`readiness config schema | head`) closes the pipe: that is the reader's choice, not a
// failure to report with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const code = await runCli(
  process.argv.slice(2),
  {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
  },
  cliDeps,
);
process.exitCode = code;
