import { parseArgs } from 'node:util';
import { lookupTarget } from '../config/catalog.ts';
import { loadReadinessConfig, ReadinessConfigError } from '../config/readiness-config.ts';
import { runCheck } from '../checks/run-check.ts';
import { egressPolicy, systemResolveHost } from '../egress/egress-policy.ts';
import { buildReport, type ReportInput } from '../readiness/report.ts';
import { awaitingAttestation, isManual } from '../checks/manual.ts';
import { renderScorecard } from './scorecard.ts';

/** Exit codes a pipeline can branch on. */
export const ExitCode = { go: 0, noGo: 1, usage: 2, goWithCaution: 3 } as const;

const USAGE = `Usage:
  readiness assess --service <service> --env <environment> [--config <readiness.yaml>] [--json]
  readiness config validate [--config <readiness.yaml>]
  readiness migrate            (creates $DATABASE_URL's database if missing and applies the migrations)

Exit codes: 0 GO, 3 GO WITH CAUTION, 1 NO-GO, 2 bad arguments or invalid config; migrate: 0 done, 1 failed.
--config defaults to $READINESS_CONFIG, then ./readiness.yaml.`;

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
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
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function assess(values: ReturnType<typeof parse>['values'], configPath: string, io: CliIo): Promise<number> {
  if (!values.service || !values.env) throw new UsageError('assess needs --service and --env');
  const config = await loadReadinessConfig(configPath);
  const target = lookupTarget(config, values.service, values.env);
  if (!target.ok) {
    if (target.reason === 'unknown_service') throw new UsageError(`no service "${values.service}" in ${configPath}; services: ${target.known.join(', ')}`);
    if (target.reason === 'unknown_environment') {
      throw new UsageError(`service "${values.service}" has no environment "${values.env}"; environments: ${target.known.join(', ')}`);
    }
    throw new UsageError(`check ${target.checkId} uses {{${target.variable}}}, which ${values.env} does not define`);
  }
  const egress = egressPolicy(config.egress, systemResolveHost);
  // Every check at once, each under its own timeout: the gate takes as long as the slowest check.
  const results = await Promise.all(
    target.checks.map(async (spec): Promise<ReportInput> => {
      if (isManual(spec)) {
        return { spec, outcome: { status: 'PENDING', message: `${awaitingAttestation(spec)} in Slack`, evidence: {}, durationMs: null } };
      }
      return { spec, outcome: await runCheck(spec, { service: target.service, environment: target.environment }, undefined, { egress }) };
    }),
  );
  for (const { check, reason } of target.skipped) {
    results.push({ spec: check, outcome: { status: 'SKIPPED', message: reason, evidence: {}, durationMs: null } });
  }
  const report = buildReport(target, results, target.thresholds);
  io.out(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderScorecard(report));
  return report.verdict === 'GO' ? ExitCode.go : report.verdict === 'GO_WITH_CAUTION' ? ExitCode.goWithCaution : ExitCode.noGo;
}

/** The readiness engine without Slack or Redis, for CI pipelines. Returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parse(argv);
    if (values.help) {
      io.out(`${USAGE}\n`);
      return ExitCode.go;
    }
    const configPath = values.config ?? io.env.READINESS_CONFIG ?? './readiness.yaml';
    const command = positionals.join(' ');
    if (command === 'assess') return await assess(values, configPath, io);
    if (command === 'migrate') {
      // Loaded only here: validate and assess never need the database driver.
      const { migrateDatabase } = await import('./migrate.ts');
      return await migrateDatabase(io);
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
    io.err(`readiness: unexpected error: ${(error as Error).message}\n`);
    return ExitCode.noGo;
  }
}
