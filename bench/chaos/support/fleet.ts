// Bots and workers as OS processes (src/main/bot.ts, src/main/worker.ts) against one Postgres and Redis, for the
// chaos scenarios that run Readiness as it runs in production: replicas (every effect once across replicas) and
// kill-storm (SIGKILL at random). A member can be killed and started again on the same ports, so Slack (the stand-in)
// keeps its URL; a process that ends without being killed by the scenario is a crash.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deliverSigned } from '../../../tools/slack-stand-in/http.ts';
import { entryProcesses, exited, type EntryProcess } from '../../../test/support/processes.ts';
import { freePort, waitFor } from './private-services.ts';

export interface FleetMember {
  kind: 'bot' | 'worker';
  index: number;
  process: EntryProcess;
  adminUrl: string;
  /** A bot's Slack endpoint. */
  eventsUrl: string;
  /** Every process this member has been, oldest first: their logs are kept. */
  history: EntryProcess[];
}

export interface Fleet {
  bots: FleetMember[];
  workers: FleetMember[];
  all(): FleetMember[];
  /** Processes that ended without `kill` being asked for it. */
  crashed(): FleetMember[];
  /** SIGKILLs the member's process and waits until it is gone; it is not counted as a crash. */
  kill(member: FleetMember): Promise<void>;
  /** Starts the member again, on the same ports. */
  restart(member: FleetMember): void;
  /** True once the member's current process answers /healthz (and, for a bot, its Slack endpoint). */
  serving(member: FleetMember): Promise<boolean>;
  /** A condition on the world, with the processes checked on every poll: one that crashed ends the wait at once. */
  until(probe: () => Promise<boolean> | boolean, what: string, boundMs: number): Promise<number>;
  /** Every log line of every process the member has been. */
  output(member: FleetMember): string;
  /**
   * Writes each member's current log as `<kind>-<index>.log` and each process it was before a kill as
   * `<kind>-<index>-killed-<n>.log` into `dir`, kept for reading after the run.
   */
  keepLogs(dir: string): Promise<string>;
  /** The tail of the log of every member that crashed or logged an uncaught exception or unhandled rejection. */
  crashReports(): string[];
  killAll(): Promise<void>;
}

/** The environment every member of a scenario's fleet shares: Slack (the stand-in), Postgres, Redis, the config. */
export function fleetEnv(
  options: { botToken: string; slackApiUrl: string; databaseUrl: string; redisUrl: string; queuePrefix: string; configPath: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: options.botToken,
    SLACK_API_URL: options.slackApiUrl,
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    QUEUE_PREFIX: options.queuePrefix,
    READINESS_CONFIG: options.configPath,
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

/** Starts `bots` bots and `workers` workers with `env` (a bot gets the signing secret and its ports too). */
export async function startFleet(options: { env: Record<string, string>; signingSecret: string; bots: number; workers: number }): Promise<Fleet> {
  const processes = entryProcesses();
  const killedByUs = new Set<EntryProcess>();
  const envOf = new Map<FleetMember, Record<string, string>>();
  const spawnFor = (member: Pick<FleetMember, 'kind'>, env: Record<string, string>) =>
    processes.start(member.kind === 'bot' ? 'bot.ts' : 'worker.ts', env);

  const members: FleetMember[] = [];
  for (const [kind, count] of [
    ['bot', options.bots],
    ['worker', options.workers],
  ] as const) {
    for (let index = 0; index < count; index++) {
      const adminPort = await freePort();
      const port = kind === 'bot' ? await freePort() : 0;
      const env = {
        ...options.env,
        ADMIN_PORT: String(adminPort),
        ...(kind === 'bot' ? { SLACK_SIGNING_SECRET: options.signingSecret, PORT: String(port) } : {}),
      };
      const process = spawnFor({ kind }, env);
      const member: FleetMember = {
        kind,
        index,
        process,
        adminUrl: `http://127.0.0.1:${adminPort}`,
        eventsUrl: `http://127.0.0.1:${port}/slack/events`,
        history: [process],
      };
      envOf.set(member, env);
      members.push(member);
    }
  }
  const ended = (child: EntryProcess) => child.exitCode !== null || child.signalCode !== null;
  const answers = (url: string, init?: RequestInit) =>
    fetch(url, init).then(
      (response) => response.status < 500,
      () => false,
    );

  const fleet: Fleet = {
    bots: members.filter((member) => member.kind === 'bot'),
    workers: members.filter((member) => member.kind === 'worker'),
    all: () => members,
    crashed: () => members.filter((member) => member.history.some((child) => ended(child) && !killedByUs.has(child))),
    async kill(member) {
      killedByUs.add(member.process);
      member.process.kill('SIGKILL');
      await exited(member.process);
    },
    restart(member) {
      member.process = spawnFor(member, envOf.get(member) ?? {});
      member.history.push(member.process);
    },
    async serving(member) {
      if (ended(member.process)) return false;
      if (!(await answers(`${member.adminUrl}/healthz`))) return false;
      // An unsigned POST is refused (401) once Bolt listens: the answer itself is what matters.
      return member.kind === 'worker' || (await answers(member.eventsUrl, { method: 'POST' }));
    },
    async until(probe, what, boundMs) {
      return await waitFor(
        async () => {
          const dead = fleet.crashed();
          if (dead.length > 0)
            throw new Error(`${what}: a process exited\n${dead.map((member) => fleet.output(member).slice(-3000)).join('\n---\n')}`);
          return await probe();
        },
        boundMs,
        what,
      );
    },
    output: (member) => member.history.map((child) => child.output()).join('\n--- restarted ---\n'),
    async keepLogs(dir) {
      await mkdir(dir, { recursive: true });
      for (const member of members) {
        const name = `${member.kind}-${member.index}`;
        await writeFile(join(dir, `${name}.log`), member.process.output());
        for (const [n, child] of member.history.slice(0, -1).entries()) await writeFile(join(dir, `${name}-killed-${n}.log`), child.output());
      }
      return dir;
    },
    crashReports: () =>
      members
        .filter((member) => fleet.crashed().includes(member) || /uncaughtException|unhandledRejection|Uncaught/.test(fleet.output(member)))
        .map((member) => fleet.output(member).slice(-2000)),
    killAll: () => processes.killAll(),
  };
  return fleet;
}

/** Runs `work` over `items`, `limit` at a time. */
export async function inBatches<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await work(item);
      }
    }),
  );
}

/** One signed interaction payload, delivered byte for byte (Slack retrying a delivery): the same trigger id again. */
export function replayOne(url: string, signingSecret: string, payload: Record<string, unknown>) {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return deliverSigned(url, signingSecret, body, { timestamp: Math.floor(Date.now() / 1000) });
}
