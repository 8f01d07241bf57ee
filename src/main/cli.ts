import { runCli } from '../cli/cli.ts';
import { closeHttpPools } from '../probes/http-client.ts';
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
// The report is out and nothing else is owed: a CI step waits for this process, and the http checks' sockets, closed
// by now, can keep the event loop a few hundred ms longer (measured: 170–350 ms of an 800 ms `assess`). So the pools
// are destroyed and the process exits once stdout and stderr have taken everything written to them.
await closeHttpPools();
const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
