import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseReadinessYaml } from '../../src/config/readiness-config.ts';
import { startExampleService } from './example-service.ts';
import { describeCall, describeResponse } from '../slack-stand-in/conversation.ts';
import { startLocalStack } from './local-stack.ts';
import { projectRoot } from '../../src/shared/paths.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { redactUrl } from '../../src/store/migrations.ts';
import { prepareDatabase, requireRedis } from './local-services.ts';
import { DeployReceiver } from './deploy-receiver.ts';
import { ids } from '../../src/slack/ids.ts';

/**
 * `npm run demo`: the bot, a worker, the local Slack stand-in and an example service, all on this machine.
 * Sends a signed `/readiness run example-api staging`, then deploys it (`/readiness deploy`, Start), then shows
 * the daily digest (`/readiness digest`), and prints the conversation as it happens.
 */
const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/readiness';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SERVICE = 'example-api';
const ENVIRONMENT = 'staging';
const DEMO_USER = 'U0DEMOUSER';
const print = (text = '') => process.stdout.write(`${text}\n`);

function fail(message: string): never {
  process.stderr.write(`demo failed: ${message}\n`);
  process.exit(1);
}

try {
  await requireRedis(redisUrl);
  print(`database ${redactUrl(databaseUrl)}: ${await prepareDatabase(databaseUrl)}`);
} catch (error) {
  fail((error as Error).message);
}

const target = await startExampleService();
const configPath = join(projectRoot, 'examples', 'readiness.yaml');
const config = parseReadinessYaml(await readFile(configPath, 'utf8'), configPath);
const staging = config.services[SERVICE]?.environments[ENVIRONMENT];
if (!staging) fail(`${configPath} has no ${SERVICE}/${ENVIRONMENT}`);
staging.vars.baseUrl = target.url;
// The team's deployment tooling, as the second act's webhooks reach it.
const receiver = await DeployReceiver.start();
staging.vars.deployUrl = receiver.url;

const stack = await startLocalStack({ config, databaseUrl, redisUrl, logger: createLogger('error') });
print(`example service ${SERVICE} listening on ${target.url}`);
print(`bot listening on ${stack.eventsUrl}; Slack stand-in on ${stack.standIn.apiUrl}`);
print(`admin endpoints (/healthz, /readyz, /metrics) on ${stack.adminUrl}`);
print();

// Slack shows the ack before anything the bot does afterwards; hold later lines until it is printed.
let ackPrinted = false;
const held: string[] = [];
const say = (line: string | undefined) => {
  if (line === undefined) return;
  if (ackPrinted) print(`${line}\n`);
  else held.push(line);
};
stack.standIn.events.on('call', (call) => say(describeCall(call)));
stack.standIn.events.on('response', (response) => say(describeResponse(response)));

/** Second act: deploy the assessed version with the standard template, clicking Start as a person would. */
async function release(assessmentId: string): Promise<void> {
  const deployText = `deploy ${SERVICE} ${ENVIRONMENT} v1.4.0`;
  print(`\n[you, in #${stack.channelId}] /readiness ${deployText}\n`);
  const deployAck = await stack.standIn.sendSlashCommand(stack.eventsUrl, { text: deployText, userId: DEMO_USER, channelId: stack.channelId });
  const deployment = await until(() =>
    stack.runtime.db.deployment.findFirst({ where: { requestKey: deployAck.triggerId, messageTs: { not: null } } }),
  );
  print(`[you click Start on the plan in the thread of assessment ${assessmentId.slice(0, 8)}]\n`);
  await stack.standIn.clickButton(stack.eventsUrl, {
    channel: stack.channelId,
    ts: deployment.messageTs ?? '',
    actionId: ids.actions.deployStart,
    userId: DEMO_USER,
  });
  const done = await until(async () => {
    const row = await stack.runtime.db.deployment.findUnique({ where: { id: deployment.id } });
    return row && ['SUCCEEDED', 'FAILED', 'ROLLED_BACK', 'ROLLBACK_FAILED'].includes(row.status) ? row : undefined;
  });
  print(`deployment ${done.id.slice(0, 8)}: ${done.status}, template ${done.template}, version ${done.version}`);
  print(`webhooks your tooling received (each once, with an Idempotency-Key): ${receiver.executedPaths().join(', ')}`);
}

/** Third act: the digest the team's channel gets every weekday morning, shown as of now. */
async function digest(): Promise<void> {
  const [name] = Object.keys(config.digests);
  if (name === undefined) return;
  const digestText = `digest ${name}`;
  print(`\n[you, in #${stack.channelId}] /readiness ${digestText}\n`);
  const digestAck = await stack.standIn.sendSlashCommand(stack.eventsUrl, { text: digestText, userId: DEMO_USER, channelId: stack.channelId });
  await stack.standIn.waitFor(() => stack.standIn.responses.find((response) => response.url === digestAck.responseUrl), 30_000);
}

async function until<T>(probe: () => Promise<T | null | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`the demo waited ${timeoutMs} ms in vain`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const commandText = `run ${SERVICE} ${ENVIRONMENT}`;
print(`[you, in #${stack.channelId}] /readiness ${commandText}\n`);
const ack = await stack.standIn.sendSlashCommand(stack.eventsUrl, {
  text: commandText,
  userId: DEMO_USER,
  channelId: stack.channelId,
});
const ackText = (ack.json as { text?: string } | undefined)?.text ?? ack.body;
print(`[ack in ${ack.latencyMs.toFixed(0)} ms, only visible to you]\n    ${ackText}\n`);
ackPrinted = true;
for (const line of held.splice(0)) print(`${line}\n`);

try {
  // The assessment's own message, once it shows the verdict: the channel may carry other posts meanwhile (a
  // scheduled digest caught up at start, for one).
  const final = await until(async () => {
    const recorded = await stack.runtime.db.assessment.findUnique({ where: { requestKey: ack.triggerId } });
    if (recorded?.status !== 'COMPLETED' || !recorded.messageTs) return undefined;
    return stack.standIn
      .messages(stack.channelId)
      .find((message) => message.ts === recorded.messageTs && message.text !== undefined && !message.text.endsWith('assessing…'));
  }, 60_000);
  const assessment = await stack.runtime.db.assessment.findUnique({
    where: { requestKey: ack.triggerId },
    include: { checks: true },
  });
  const audit = assessment ? await stack.runtime.db.auditEvent.count({ where: { subjectId: assessment.id } }) : 0;
  print(`verdict: ${final.text}`);
  print(
    `recorded in Postgres: assessment ${assessment?.id} (${assessment?.status}, score ${assessment?.score?.toFixed(1)}), ` +
      `${assessment?.checks.length ?? 0} check results, ${audit} audit events`,
  );
  print(`Slack calls made: ${stack.standIn.calls.map((call) => call.method).join(', ')}`);
  if (assessment) await release(assessment.id);
  await digest();
} catch (error) {
  fail((error as Error).message);
} finally {
  await stack.close();
  await target.close();
  await receiver.close();
}
process.exit(0);
