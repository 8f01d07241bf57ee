// The container's health probe (Docker HEALTHCHECK, Kubernetes exec probes): GET <path> on this process's own admin
// listener, with ADMIN_TOKEN when one is set, and exit 0 only on a 2xx answer. Plain Node (slim images have no
// curl); no dependencies, so it runs before and after anything else in the image.
const path = process.argv[2] ?? '/healthz';
const port = process.env.ADMIN_PORT ?? '9090';
const bound = process.env.ADMIN_HOST ?? '127.0.0.1';
// A listener on every interface answers on loopback too; a listener on one address answers only there.
const host = bound === '0.0.0.0' || bound === '::' ? '127.0.0.1' : bound.includes(':') ? `[${bound}]` : bound;
const headers = process.env.ADMIN_TOKEN ? { authorization: `Bearer ${process.env.ADMIN_TOKEN}` } : {};
try {
  const response = await fetch(`http://${host}:${port}${path}`, { headers, signal: AbortSignal.timeout(4000) });
  if (!response.ok) process.stderr.write(`${path}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}\n`);
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  process.stderr.write(`${path}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
