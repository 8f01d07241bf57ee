import type { CheckRunner } from '../checks/check-runner.port.ts';
import { probeCheck } from './registry.ts';
import { runCheck } from './run-check.ts';

/** The CheckRunner the processes use: the network probes, timed by the process's performance clock. */
export const networkCheckRunner: CheckRunner = {
  runCheck: (spec, target, options) => runCheck(spec, target, undefined, options),
  probe: probeCheck,
};
