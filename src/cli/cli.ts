import { parseArgs } from 'node:util';
import { lookupTarget } from '../config/catalog.ts';
import { loadReadinessConfig, ReadinessConfigError } from '../config/readiness-config.ts';
import type { CheckRunner } from '../checks/check-runner.port.ts';
import { egressPolicy, systemResolveHost } from '../egress/egress-policy.ts';
import { buildReport, type ReportInput } from '../readiness/report.ts';
import { awaitingAttestation, isManual } from '../checks/specs/manual.ts';
import { checkStoredSignoff, signoffGateMisuse, type StoredSignoffSource } from '../approvals/stored-signoff-gate.ts';
import { readinessJsonSchemaText } from '../config/readiness-json-schema.ts';
import { describeProbeFailure } from '../secrets/probe-failure.ts';
import { redactText } from '../secrets/redact.ts';
import { isAssessFormat, renderAssessOutput, ASSESS_FORMATS, type SignoffStanding } from './assess-output.ts';
import { describeSignoffMisuse, describeStoredSignoff } from './signoff-messages.ts';

/** Exit codes a pipeline can branch on. */
/** couldNotAssess: our side failed (e.g. the database behind --require-signoff did not answer): no verdict, never NO-GO's 1. */
export const ExitCode = { go: 0, noGo: 1, usage: 2, goWithCaution: 3, signoffMissing: 4, couldNotAssess: 5 } as const;

const USAGE = `Usage:
  readiness assess --service <service> --env <environment> [--config <readiness.yaml>]
                   [--format text|json|markdown] [--json] [--require-signoff]
  readiness config validate [--config <readiness.yaml>]
  readiness config schema
  readiness migrate            (creates $DATABASE_URL's database if missing and applies the migrations)

Exit codes: 0 GO, 3 GO WITH CAUTION, 1 NO-GO, 2 bad arguments or invalid config,
4 sign-off missing (--require-signoff, checks GO or GO WITH CAUTION),
5 could not assess (Readiness itself failed, e.g. DATABASE_URL did not answer: no verdict); migrate: 0 done, 1 failed.
--config defaults to $READINESS_CONFIG, then ./readiness.yaml. --json is --format json.
--require-signoff needs DATABASE_URL: the newest completed assessment of the service and environment in the
database must be signed off (approved or overridden in Slack) and fresh, as /readiness deploy requires.
config schema prints readiness.yaml's JSON Schema.`;

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

/** What the CLI is given rather than building itself: src/main/cli-deps.ts passes the network probes and the database side. */
export interface CliDeps {
  checks: Pick<CheckRunner, 'runCheck'>;
  /** The sign-offs Slack recorded, read-only, for `--require-signoff`. */
  openSignoffSource(databaseUrl: string): Promise<StoredSignoffSource & { close(): Promise<void> }>;
  /** `readiness migrate`: creates the database if missing and applies the migrations; returns the exit code. */
  migrate(io: CliIo): Promise<number>;
}

class UsageError extends Error {}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        service: { type: 'string' },
        env: { type: 'string' },
        config: { type: 'string' },
        json: { type: 'boolean', default: false },
        format: { type: 'string' },
        'require-signoff': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function assess(values: ReturnType<typeof parse>['values'], configPath: string, io: CliIo, deps: CliDeps): Promise<number> {
  if (!values.service || !values.env) throw new UsageError('assess needs --service and --env');
  const format = values.format ?? (values.json ? 'json' : 'text');
  if (!isAssessFormat(format) || (values.json && format !== 'json')) throw new UsageError(`--format must be one of ${ASSESS_FORMATS.join(', ')}`);
  const databaseUrl = io.env.DATABASE_URL?.trim();
  if (values['require-signoff'] && !databaseUrl)
    throw new UsageError("--require-signoff reads the sign-offs Slack recorded: set DATABASE_URL to the bot's database");
  const config = await loadReadinessConfig(configPath);
  const target = lookupTarget(config, values.service, values.env);
  if (!target.ok) {
    if (target.reason === 'unknown_service')
      throw new UsageError(`no service "${values.service}" in ${configPath}; services: ${target.known.join(', ')}`);
    if (target.reason === 'unknown_environment') {
      throw new UsageError(`service "${values.service}" has no environment "${values.env}"; environments: ${target.known.join(', ')}`);
    }
    throw new UsageError(`check ${target.checkId} uses {{${target.variable}}}, which ${values.env} does not define`);
  }
  const misuse = values['require-signoff'] ? signoffGateMisuse(config, target.service, target.environment) : undefined;
  if (misuse) throw new UsageError(describeSignoffMisuse(misuse));
  const egress = egressPolicy(config.egress, systemResolveHost);
  // Every check at once, each under its own timeout: the gate takes as long as the slowest check.
  const results = await Promise.all(
    target.checks.map(async (spec): Promise<ReportInput> => {
      if (isManual(spec)) {
        return { spec, outcome: { status: 'PENDING', message: `${awaitingAttestation(spec)} in Slack`, evidence: {}, durationMs: null } };
      }
      return { spec, outcome: await deps.checks.runCheck(spec, { service: target.service, environment: target.environment }, { egress }) };
    }),
  );
  for (const { check, reason } of target.skipped) {
    results.push({ spec: check, outcome: { status: 'SKIPPED', message: reason, evidence: {}, durationMs: null } });
  }
  const report = buildReport(target, results, target.thresholds);
  const signoff = values['require-signoff'] && databaseUrl ? await storedSignoffStanding(databaseUrl, config, target, io, deps) : undefined;
  io.out(renderAssessOutput(report, format, signoff));
  if (report.verdict === 'NO_GO') return ExitCode.noGo;
  if (signoff && !signoff.ok) return ExitCode.signoffMissing;
  return report.verdict === 'GO' ? ExitCode.go : ExitCode.goWithCaution;
}

/** Reads the sign-off Slack recorded; a missing one is also said on stderr, where a pipeline's log shows it. */
async function storedSignoffStanding(
  databaseUrl: string,
  config: Awaited<ReturnType<typeof loadReadinessConfig>>,
  target: { service: string; environment: string },
  io: CliIo,
  deps: CliDeps,
): Promise<SignoffStanding> {
  const source = await deps.openSignoffSource(databaseUrl);
  try {
    const result = await checkStoredSignoff(source, config, target, new Date()).catch((error: unknown) => {
      // Prisma's errors span many lines and may quote the connection string: one redacted line is enough.
      throw new Error(`cannot read the sign-offs from DATABASE_URL: ${redactText(describeProbeFailure(error))}`);
    });
    const message = describeStoredSignoff(result, target);
    if (!result.ok) io.err(`readiness: ${message}\n`);
    return { ok: result.ok, message };
  } finally {
    await source.close();
  }
}

/** The readiness engine without Slack or Redis, for CI pipelines. Returns the exit code. */
export async function runCli(argv: string[], io: CliIo, deps: CliDeps): Promise<number> {
  try {
    const { values, positionals } = parse(argv);
    if (values.help) {
      io.out(`${USAGE}\n`);
      return ExitCode.go;
    }
    const configPath = values.config ?? io.env.READINESS_CONFIG ?? './readiness.yaml';
    const command = positionals.join(' ');
    if (command === 'assess') return await assess(values, configPath, io, deps);
    if (command === 'migrate') return await deps.migrate(io);
    if (command === 'config schema') {
      io.out(readinessJsonSchemaText());
      return ExitCode.go;
    }
    if (command === 'config validate') {
      const config = await loadReadinessConfig(configPath);
      const services = Object.entries(config.services);
      const checks = services.reduce((sum, [, service]) => sum + service.checks.length, 0);
      io.out(`${configPath} is valid: ${services.length} service(s), ${checks} check(s)\n`);
      return ExitCode.go;
    }
    throw new UsageError(command === '' ? 'missing command' : `unknown command "${command}"`);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`readiness: ${error.message}\n\n${USAGE}\n`);
      return ExitCode.usage;
    }
    if (error instanceof ReadinessConfigError) {
      io.err(`readiness: ${error.message}\n`);
      return ExitCode.usage;
    }
    // Not a verdict about the service: a pipeline still stops (non-zero), and can tell our failure from a NO-GO.
    io.err(`readiness: could not assess (no verdict): ${(error as Error).message}\n`);
    return ExitCode.couldNotAssess;
  }
}
