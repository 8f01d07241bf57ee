import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { healthRoutes } from '../../../src/admin/health-routes.ts';
import { DEFAULT_ADMIN_PORT, Env, WorkerEnv } from '../../../src/config/env.ts';
import { parseReadinessConfig } from '../../../src/config/readiness-config.ts';
import { StandInEnv } from '../../../tools/slack-stand-in/env.ts';
import { projectRoot } from '../../../src/shared/paths.ts';
import { effectiveStage, parseDockerfile } from '../../support/dockerfile.ts';

/*
 * No container runtime runs here, so the Dockerfile, compose.yaml and the Kubernetes manifests are checked against
 * the code instead: every variable they set is one the code reads (and holds a value it accepts), every variable it
 * requires is set, commands start entry files that exist, ports and probe paths are the admin listener's.
 */

const read = (path: string) => readFileSync(join(projectRoot, path), 'utf8');
type Yaml = Record<string, any>;

const dockerStages = parseDockerfile(read('Dockerfile'));
const compose = parseYaml(read('compose.yaml'), { merge: true }) as Yaml;
const K8S_BASE = 'deploy/kubernetes/base';
const kustomization = parseYaml(read(`${K8S_BASE}/kustomization.yaml`)) as Yaml;
const manifests: Yaml[] = (kustomization.resources as string[]).flatMap((file) =>
  parseAllDocuments(read(`${K8S_BASE}/${file}`)).map((document) => {
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]?.message}`);
    return document.toJS() as Yaml;
  }),
);
const manifest = (kind: string, name: string): Yaml => {
  const found = manifests.find((m) => m.kind === kind && m.metadata?.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in ${K8S_BASE}`);
  return found;
};

const routePaths = healthRoutes({
  probeReadiness: async () => ({ ready: true, dependencies: {} }),
  metrics: { contentType: 'text/plain', render: async () => '' },
}).map((route) => route.path);
const PORT_DEFAULT = Env.shape.PORT.parse(undefined);

/** The variables a process cannot start without: no default in the schema, plus the signing secret in HTTP mode. */
const requiredBySchema = (schema: typeof Env | typeof WorkerEnv) =>
  Object.entries(schema.shape)
    .filter(([, field]) => !field.safeParse(undefined).success)
    .map(([key]) => key);
/** What a container must set although the code has a default: the defaults point at this machine. */
const REQUIRED_IN_CONTAINERS = ['DATABASE_URL', 'REDIS_URL'];
const required = {
  bot: [...requiredBySchema(Env), 'SLACK_SIGNING_SECRET', ...REQUIRED_IN_CONTAINERS],
  worker: [...requiredBySchema(WorkerEnv), ...REQUIRED_IN_CONTAINERS],
};
/** Never written into a manifest: only referenced from a Secret. */
const SECRETS = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'DATABASE_URL', 'REDIS_URL', 'ADMIN_TOKEN'];

/** `node dist/src/main/x.js` (compiled) or `node --import tsx src/…/x.ts` names a source file that must exist. */
function entryFileOf(command: string[]): string {
  expect(command[0], command.join(' ')).toBe('node');
  const script = command.slice(1).find((part) => /\.(m?js|ts)$/.test(part));
  if (script === undefined) throw new Error(`no script in ${command.join(' ')}`);
  return script.startsWith('dist/') ? script.slice('dist/'.length).replace(/\.js$/, '.ts') : script;
}
const entryOf = (command: string[]) => {
  const file = entryFileOf(command);
  expect(existsSync(join(projectRoot, file)), `${command.join(' ')} runs ${file}, which does not exist`).toBe(true);
  return file;
};

/** A literal value (not `${…}` interpolated by compose) must be one the schema accepts. */
function expectAccepted(
  schema: { shape: Record<string, { safeParse(v: unknown): { success: boolean } }> },
  key: string,
  value: unknown,
  where: string,
) {
  expect(Object.keys(schema.shape), `${where} sets ${key}, which the code never reads`).toContain(key);
  if (typeof value === 'string' && !value.includes('${'))
    expect(schema.shape[key]?.safeParse(value).success, `${where}: ${key}=${value} is refused by the env schema`).toBe(true);
}

describe('Dockerfile', () => {
  const runtime = effectiveStage(dockerStages, 'runtime');

  it('builds the production stage by default, from the official Node slim image pinned by major version', () => {
    expect(dockerStages.at(-1)?.name).toBe('runtime');
    for (const stage of dockerStages.filter((s) => !dockerStages.some((other) => other.name === s.from)))
      expect(stage.from).toMatch(/^node:\d+-slim$/);
  });

  it('runs as a numeric non-root user, production dependencies only, Prisma client and code from the build stage', () => {
    expect(runtime.user).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
    expect(runtime.runs.join('\n')).toMatch(/npm ci --omit=dev --ignore-scripts/);
    expect(runtime.copies).toContainEqual({ from: 'build', sources: ['/app/dist'], destination: './dist' });
    expect(runtime.copies.some((copy) => copy.sources.includes('prisma/migrations'))).toBe(true);
    const build = effectiveStage(dockerStages, 'build');
    expect(build.runs.join('\n')).toMatch(/npm ci[\s\S]*db:generate[\s\S]*npm run build/);
    expect(JSON.stringify(runtime.cmd)).not.toContain('tsx');
  });

  it('starts the bot by default, and every ENV it sets is a variable the code reads with a value it accepts', () => {
    expect(entryOf(runtime.cmd ?? [])).toBe('src/main/bot.ts');
    expect(runtime.entrypoint).toBeUndefined();
    for (const [key, value] of Object.entries(runtime.env).filter(([key]) => key !== 'NODE_ENV')) expectAccepted(Env, key, value, 'Dockerfile');
  });

  it("exposes Slack's port and the admin port, and checks health against a route the admin listener serves", () => {
    expect(runtime.expose.sort()).toEqual([PORT_DEFAULT, Number(runtime.env.ADMIN_PORT)].sort());
    expect(Number(runtime.env.ADMIN_PORT)).toBe(DEFAULT_ADMIN_PORT.bot);
    expect(Number(runtime.env.PORT)).toBe(PORT_DEFAULT);
    const check = runtime.healthcheck?.cmd ?? [];
    expect(check.slice(0, 2)).toEqual(['node', 'healthcheck.mjs']);
    expect(routePaths).toContain(check[2]);
    const copied = runtime.copies.find((copy) => copy.destination === './healthcheck.mjs');
    expect(copied && existsSync(join(projectRoot, copied.sources[0] ?? ''))).toBe(true);
  });

  it('builds the Slack stand-in in a target of its own, never the production one', () => {
    const sandbox = effectiveStage(dockerStages, 'sandbox');
    expect(entryOf(sandbox.cmd ?? [])).toBe('tools/slack-stand-in/server.ts');
    expect(sandbox.user).toMatch(/^[1-9]/);
    expect(read('.dockerignore').split('\n')).toEqual(expect.arrayContaining(['node_modules', '.env', '.git']));
  });
});

describe('compose.yaml', () => {
  const services = compose.services as Record<string, Yaml>;

  it('has Postgres, Redis with an append-only file, a one-shot migrate, a bot, two workers and a sandbox profile', () => {
    expect(Object.keys(services).sort()).toEqual(['bot', 'migrate', 'postgres', 'redis', 'slack-stand-in', 'worker']);
    expect(services.redis?.command.join(' ')).toMatch(/--appendonly yes/);
    expect(services.migrate?.restart).toBe('no');
    expect(services.worker?.deploy?.replicas).toBe(2);
    expect(services['slack-stand-in']?.profiles).toEqual(['sandbox']);
    for (const name of ['bot', 'worker']) expect(services[name]?.depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });
  });

  it('runs the same three commands as the image and the cluster, each an existing entry', () => {
    expect(services.bot?.command).toEqual(effectiveStage(dockerStages, 'runtime').cmd);
    expect(entryOf(services.worker?.command)).toBe('src/main/worker.ts');
    expect(entryOf(services.migrate?.command)).toBe('src/main/migrate.ts');
    expect(services.migrate?.build?.target).toBe('runtime');
    expect(services['slack-stand-in']?.build?.target).toBe('sandbox');
  });

  it('sets only variables the code reads, with values it accepts, and every one bot and workers require', () => {
    for (const [name, schema] of [
      ['bot', Env],
      ['worker', WorkerEnv],
      ['migrate', Env],
    ] as const) {
      const env = services[name]?.environment as Record<string, string>;
      for (const [key, value] of Object.entries(env)) expectAccepted(schema, key, value, `compose ${name}`);
      if (name !== 'migrate') expect(Object.keys(env), `compose ${name}`).toEqual(expect.arrayContaining(required[name]));
    }
    expect(Object.keys(services.migrate?.environment)).toEqual(['DATABASE_URL']);
    expect(Object.keys(services.worker?.environment)).not.toContain('SLACK_SIGNING_SECRET');
    for (const [key, value] of Object.entries(services['slack-stand-in']?.environment as Record<string, string>))
      expectAccepted(StandInEnv, key, value, 'compose slack-stand-in');
  });

  it("publishes only the bot's Slack port, and the stand-in's control port on loopback", () => {
    expect(services.bot?.ports).toEqual([`\${BOT_PORT:-3000}:${PORT_DEFAULT}`]);
    expect(services.worker?.ports).toBeUndefined();
    expect(services['slack-stand-in']?.ports).toEqual(['127.0.0.1:3101:3101']);
  });

  it('points the sandbox at a readiness.yaml that is valid', () => {
    const sandboxEnv = Object.fromEntries(
      read('deploy/compose/sandbox.env')
        .split('\n')
        .filter((line) => /^\w+=/.test(line))
        .map((line) => line.split(/=(.*)/s).slice(0, 2)),
    );
    expect(sandboxEnv.COMPOSE_PROFILES).toBe('sandbox');
    expect(Env.shape.SLACK_BOT_TOKEN.safeParse(sandboxEnv.SLACK_BOT_TOKEN).success).toBe(true);
    expect(() => parseReadinessConfig(parseYaml(read(sandboxEnv.READINESS_CONFIG_FILE)), 'sandbox')).not.toThrow();
  });
});

describe('deploy/kubernetes/base', () => {
  const containerOf = (kind: string, name: string) => {
    const spec = manifest(kind, name).spec.template.spec as Yaml;
    expect(spec.containers).toHaveLength(1);
    return { pod: spec, container: spec.containers[0] as Yaml };
  };
  const envOf = (container: Yaml) => container.env as { name: string; value?: string; valueFrom?: Yaml }[];

  it('lists every manifest in the kustomization, and a valid readiness.yaml for the ConfigMap', () => {
    const files = readdirSync(join(projectRoot, K8S_BASE)).filter(
      (file) => file.endsWith('.yaml') && !['kustomization.yaml', 'readiness.yaml'].includes(file),
    );
    expect([...kustomization.resources].sort()).toEqual(files.sort());
    expect(kustomization.configMapGenerator).toEqual([{ name: 'readiness-config', files: ['readiness.yaml'] }]);
    for (const file of [`${K8S_BASE}/readiness.yaml`, 'deploy/kubernetes/overlays/example/readiness.yaml']) {
      expect(() => parseReadinessConfig(parseYaml(read(file)), file)).not.toThrow();
    }
  });

  for (const [name, deployment, schema, entry] of [
    ['bot', 'readiness-bot', Env, 'src/main/bot.ts'],
    ['worker', 'readiness-worker', WorkerEnv, 'src/main/worker.ts'],
  ] as const) {
    it(`${name}: runs ${entry}, sets only variables the code reads, every required one, secrets from the Secret`, () => {
      const { container } = containerOf('Deployment', deployment);
      expect(entryOf(container.command)).toBe(entry);
      expect(container.command).toEqual(name === 'bot' ? effectiveStage(dockerStages, 'runtime').cmd : compose.services.worker.command);
      const env = envOf(container);
      for (const variable of env) expectAccepted(schema, variable.name, variable.value, `${deployment}`);
      expect(env.map((variable) => variable.name)).toEqual(expect.arrayContaining(required[name]));
      for (const variable of env.filter((v) => SECRETS.includes(v.name))) {
        expect(variable.value, `${variable.name} written into ${deployment}`).toBeUndefined();
        expect(variable.valueFrom?.secretKeyRef).toEqual({ name: 'readiness-secrets', key: variable.name });
      }
    });

    it(`${name}: probes /readyz and /healthz on its admin port, runs non-root on a read-only root filesystem`, () => {
      const { pod, container } = containerOf('Deployment', deployment);
      const env = Object.fromEntries(envOf(container).map((variable) => [variable.name, variable.value]));
      const ports = Object.fromEntries((container.ports as Yaml[]).map((port) => [port.name, port.containerPort]));
      expect(ports.admin).toBe(Number(env.ADMIN_PORT));
      expect(env.ADMIN_HOST).toBe('0.0.0.0');
      if (name === 'bot') expect(ports.http).toBe(Number(env.PORT));
      else expect(ports.http).toBeUndefined();
      expect(container.readinessProbe.exec.command).toEqual(['node', 'healthcheck.mjs', '/readyz']);
      expect(container.livenessProbe.exec.command).toEqual(['node', 'healthcheck.mjs', '/healthz']);
      for (const path of ['/readyz', '/healthz']) expect(routePaths).toContain(path);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(container.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
      expect(container.resources.requests).toBeDefined();
      expect(container.resources.limits.memory).toBeDefined();
      const configDir = (container.volumeMounts as Yaml[]).find((mount) => mount.name === 'config')?.mountPath;
      expect(configDir).toBe(dirname(env.READINESS_CONFIG ?? ''));
      expect((pod.volumes as Yaml[]).find((volume) => volume.name === 'config')?.configMap.name).toBe('readiness-config');
    });
  }

  it('runs two bots behind a Service that carries Slack traffic only, with a disruption budget', () => {
    expect(manifest('Deployment', 'readiness-bot').spec.replicas).toBe(2);
    const service = manifest('Service', 'readiness-bot');
    expect(service.spec.ports.map((port: Yaml) => port.targetPort)).toEqual(['http']);
    expect(manifest('PodDisruptionBudget', 'readiness-bot').spec).toMatchObject({
      minAvailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/component': 'bot' } },
    });
  });

  it('scales workers on the queue-depth metric, and migrates with a one-shot Job', () => {
    const hpa = manifest('HorizontalPodAutoscaler', 'readiness-worker');
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'readiness-worker' });
    expect(hpa.spec.metrics[0].external.metric.name).toBe('readiness_queue_waiting_jobs');
    const { pod, container } = containerOf('Job', 'readiness-migrate');
    expect(entryOf(container.command)).toBe('src/main/migrate.ts');
    expect(container.command).toEqual(compose.services.migrate.command);
    expect(pod.restartPolicy).toBe('OnFailure');
    expect(envOf(container)).toEqual([{ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'readiness-secrets', key: 'DATABASE_URL' } } }]);
  });

  it('lets anyone reach the Slack port but only the monitoring namespace reach the admin port', () => {
    const adminPort = DEFAULT_ADMIN_PORT.bot;
    for (const name of ['readiness-bot', 'readiness-worker']) {
      const policy = manifest('NetworkPolicy', name);
      expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
      const rules = policy.spec.ingress as Yaml[];
      const adminRules = rules.filter((rule) => (rule.ports as Yaml[]).some((port) => port.port === adminPort));
      expect(adminRules).toEqual([
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
          ports: [{ port: adminPort, protocol: 'TCP' }],
        },
      ]);
      const open = rules.filter((rule) => rule.from === undefined).flatMap((rule) => rule.ports.map((port: Yaml) => port.port));
      expect(open).toEqual(name === 'readiness-bot' ? [PORT_DEFAULT] : []);
    }
  });
});
