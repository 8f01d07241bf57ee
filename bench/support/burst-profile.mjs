// Preload for the bot in bench:ack (`--bot-node-flags="--import=./bench/support/burst-profile.mjs"`): for each burst
// — from the first POST to /slack/events on an idle server to the last response finished — writes a CPU profile and
// an allocation profile to <tmpdir>/readiness-burst-profiles/burst-<n>.{cpuprofile,heapprofile} (open them in Chrome
// DevTools). The heap sampler keeps objects the minor and major GCs already collected, so it shows everything the
// burst allocated, not only what survived it. Sampling every 1 KB costs CPU: read the two profiles apart (the
// allocation sampler's own work shows in the CPU profile), and never compare its CPU figures with a plain run.
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import inspector from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = join(tmpdir(), 'readiness-burst-profiles');
mkdirSync(dir, { recursive: true });
const session = new inspector.Session();
session.connect();
const post = (method, params = {}) =>
  new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
await post('Profiler.enable');
await post('HeapProfiler.enable');
await post('Profiler.setSamplingInterval', { interval: 200 });

let active = false;
let inFlight = 0;
let burst = 0;
let stopTimer;

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, req, res, ...rest) {
  if (event === 'request' && req.method === 'POST' && req.url?.startsWith('/slack/events')) {
    if (!active) {
      active = true;
      burst += 1;
      void post('Profiler.start');
      void post('HeapProfiler.startSampling', {
        samplingInterval: 1024,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
    }
    clearTimeout(stopTimer);
    inFlight += 1;
    res.once('finish', () => {
      inFlight -= 1;
      if (inFlight === 0) stopTimer = setTimeout(() => void stop(), 0);
    });
  }
  return emit.call(this, event, req, res, ...rest);
};

async function stop() {
  if (inFlight > 0 || !active) return;
  active = false;
  const n = burst;
  const { profile } = await post('Profiler.stop');
  writeFileSync(join(dir, `burst-${n}.cpuprofile`), JSON.stringify(profile));
  const heap = await post('HeapProfiler.stopSampling');
  writeFileSync(join(dir, `burst-${n}.heapprofile`), JSON.stringify(heap.profile));
  process.stderr.write(`burst-profile: burst ${n} written to ${dir}\n`);
}
