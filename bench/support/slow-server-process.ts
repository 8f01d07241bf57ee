import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../src/shared/paths.ts';
import { startSlowServer } from './slow-server.ts';

/**
 * The slow endpoint in a process of its own: a thousand connections at once must not share an event loop with the
 * bot whose acks and post-ack work are being measured. Run as a script, it starts the server and prints its URL.
 */
export async function spawnSlowServer(delayMs: number): Promise<{ url: string; close(): Promise<void> }> {
  const child = spawn(
    join(projectRoot, 'node_modules', '.bin', 'tsx'),
    [join(projectRoot, 'bench', 'support', 'slow-server-process.ts'), String(delayMs)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = /^(http:\/\/\S+)$/m.exec(out);
      if (line?.[1]) resolve(line[1]);
    });
    child.once('exit', (code) => reject(new Error(`the slow endpoint process exited (${code})`)));
  });
  return {
    url,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

if (process.argv[1]?.endsWith('slow-server-process.ts') && process.argv[2]) {
  const server = await startSlowServer(Number(process.argv[2]));
  process.stdout.write(`${server.url}\n`);
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
}
