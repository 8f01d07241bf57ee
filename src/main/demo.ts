import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseReadinessYaml } from '../config/readiness-config.ts';
import { startExampleService } from '../sandbox/example-service.ts';
import { describeCall, describeResponse } from '../sandbox/conversation.ts';
import { startLocalStack } from '../sandbox/local-stack.ts';
import { projectRoot } from '../shared/paths.ts';
import { createLogger } from '../shared/logger.ts';
import { redactUrl } from '../store/migrations.ts';
import { prepareDatabase, requireRedis } from '../sandbox/local-services.ts';

/**
 * `npm run demo`: the bot, a worker, the local Slack stand-in and an example service, all on this machine.
 * Sends a signed `/readiness run example-api staging` and prints the conversation as it happens.
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

const stack = await startLocalStack({ config, databaseUrl, redisUrl, logger: createLogger('error') });
print(`example service ${SERVICE} listening on ${target.url}`);
print(`bot listening on ${stack.eventsUrl}; Slack stand-in on ${stack.standIn.apiUrl}`);
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
  const final = await stack.standIn.waitFor(
    () => stack.standIn.messages(stack.channelId).find((message) => message.text !== undefined && !message.text.endsWith('assessing…')),
    60_000,
  );
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
} catch (error) {
  fail((error as Error).message);
} finally {
  await stack.close();
  await target.close();
}
process.exit(0);
