// Preload for the bot in bench:ack (`--bot-node-flags="--import=./bench/support/burst-gc.mjs"`, a path from the
// project root): per burst — from the first POST to /slack/events on an idle server to the last response finished —
// prints the young and other collections, their time and the process's CPU to stderr. The count of young
// collections is what the burst allocated, in units of the young generation, and does not move with the load of
// the machine the way CPU and latency do (docs/performance.md, "Ack latency").
import http from 'node:http';
import { constants, PerformanceObserver } from 'node:perf_hooks';

let active = false;
let inFlight = 0;
let burst = 0;
let requests = 0;
let young = 0;
let other = 0;
let gcMs = 0;
let cpuAtStart = process.cpuUsage();
let stopTimer;

new PerformanceObserver((list) => {
  if (!active) return;
  for (const entry of list.getEntries()) {
    if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) young += 1;
    else other += 1;
    gcMs += entry.duration;
  }
}).observe({ entryTypes: ['gc'] });

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, req, res, ...rest) {
  if (event === 'request' && req.method === 'POST' && req.url?.startsWith('/slack/events')) {
    if (!active) {
      active = true;
      burst += 1;
      requests = young = other = gcMs = 0;
      cpuAtStart = process.cpuUsage();
    }
    clearTimeout(stopTimer);
    inFlight += 1;
    requests += 1;
    res.once('finish', () => {
      inFlight -= 1;
      if (inFlight === 0) stopTimer = setTimeout(report, 0);
    });
  }
  return emit.call(this, event, req, res, ...rest);
};

function report() {
  if (inFlight > 0 || !active) return;
  const cpu = process.cpuUsage(cpuAtStart);
  // The observer is told of the last collections on a later turn of the loop.
  setImmediate(() => {
    active = false;
    const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
    process.stderr.write(
      `burst-gc: burst ${burst}: ${requests} requests, ${young} young + ${other} other GCs (${Math.round(gcMs)} ms), ${cpuMs} ms CPU\n`,
    );
  });
}
