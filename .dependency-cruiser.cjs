// The dependency rule of docs/architecture.md, checked on every import (type-only imports included) by
// `npm run lint:deps` in CI. Arrows point one way: edges → domain ← adapters, wired together only in src/main.
// A new import that runs against a layer fails CI with the rule's name and the comment below saying why.

const KERNEL = '^src/(shared|secrets|egress)/';
const DOMAIN =
  '^src/(assessments|approvals|deployments|incidents|digests|readiness|config|roles|status|reports|recovery|retention|audit|intake|checks)/';
const ADAPTER = '^src/(store|generated|slack|queue|probes|admin|metrics)/';
const MAIN = '^src/main/';
// Packages that tie code to one piece of infrastructure; only their adapter may name them. node-cron is not
// among them: the domain uses it only as the cron grammar (validate, match a minute); timers live in jobs/.
const INFRASTRUCTURE_PACKAGES =
  'node_modules/(@prisma|@slack|bullmq|ioredis|pg|pg-[^/]+|undici|prom-client|@bull-board|express)/';

/** A rule that lets `from` import only the listed layers (plus node built-ins and npm packages). */
function onlyImports(name, comment, from, allowed) {
  return {
    name,
    comment,
    severity: 'error',
    from: { path: from },
    to: { pathNot: [...allowed, '^node_modules/', '^node:'], dependencyTypesNot: ['core'] },
  };
}

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A circle means neither module can be understood, tested or moved without the other.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'production-code-not-to-tooling',
      comment: 'src/, commands/ and jobs/ ship in the image; the Slack stand-in, demo stack, tests and benches do not.',
      severity: 'error',
      from: { path: '^(src|commands|jobs)/' },
      to: { path: '^(tools|test|bench|scripts)/' },
    },
    onlyImports(
      'kernel-imports-kernel',
      'src/shared, src/secrets and src/egress are used by every layer, so they may use nothing above them.',
      KERNEL,
      [KERNEL],
    ),
    onlyImports(
      'domain-imports-domain-and-kernel',
      'Use cases and rules own their types and declare the ports they need; adapters implement them, never the reverse.',
      DOMAIN,
      [DOMAIN, KERNEL],
    ),
    {
      name: 'domain-names-no-infrastructure',
      comment: 'The domain never imports Prisma, Bolt, the WebClient, BullMQ, Redis, pg or an HTTP client: it is pure.',
      severity: 'error',
      from: { path: DOMAIN },
      to: { path: INFRASTRUCTURE_PACKAGES },
    },
    {
      name: 'kernel-names-no-infrastructure',
      comment: 'The kernel is imported by the domain, so it may not smuggle infrastructure in (pino is the one logging exception).',
      severity: 'error',
      from: { path: KERNEL },
      to: { path: INFRASTRUCTURE_PACKAGES },
    },
    {
      name: 'prisma-only-in-store',
      comment: 'Only repositories touch the database; everything else sees plain domain objects through ports.',
      severity: 'error',
      from: { pathNot: '^src/(store|generated)/' },
      to: { path: ['node_modules/@prisma/', '^src/generated/'] },
    },
    onlyImports(
      'store-imports-domain-and-kernel',
      'A repository implements a domain port; it knows no other adapter.',
      '^src/store/',
      ['^src/store/', '^src/generated/', DOMAIN, KERNEL],
    ),
    onlyImports(
      'slack-imports-domain-and-kernel',
      'The Slack adapter renders domain state and implements chat ports; it reads no table and queues no job itself.',
      '^src/slack/',
      ['^src/slack/', DOMAIN, KERNEL],
    ),
    onlyImports(
      'queue-imports-domain-and-kernel',
      'The BullMQ adapter implements scheduler ports; it knows no other adapter.',
      '^src/queue/',
      ['^src/queue/', DOMAIN, KERNEL],
    ),
    onlyImports(
      'probes-import-domain-and-kernel',
      'Network probes implement the check-runner and webhook ports; they know no other adapter.',
      '^src/probes/',
      ['^src/probes/', DOMAIN, KERNEL],
    ),
    onlyImports(
      'observability-imports-domain-and-kernel',
      'The admin listener and metrics read state through ports; they know no other adapter.',
      '^src/(admin|metrics)/',
      ['^src/(admin|metrics)/', DOMAIN, KERNEL],
    ),
    onlyImports(
      'slack-edge-imports-use-cases-and-views',
      'A Slack listener parses, authorizes, calls one use case and renders with src/slack; it never reads a table, queues a job or reaches into src/main.',
      '^commands/',
      ['^commands/', '^src/slack/', DOMAIN, KERNEL],
    ),
    onlyImports(
      'job-edge-imports-use-cases-queue-and-views',
      'A processor parses job data, calls one use case and hands Slack updates to src/slack; it never reads a table or reaches into src/main.',
      '^jobs/',
      ['^jobs/', '^src/queue/', '^src/slack/', DOMAIN, KERNEL],
    ),
    onlyImports(
      'cli-edge-imports-use-cases',
      'The CLI is an edge like commands/: it parses arguments, calls use cases and prints; src/main gives it its adapters.',
      '^src/cli/',
      ['^src/cli/', DOMAIN, KERNEL],
    ),
    {
      name: 'only-main-composes',
      comment: 'src/main wires adapters to ports; nothing else may import it.',
      severity: 'error',
      from: { pathNot: `${MAIN}|^(tools|test|bench|scripts)/` },
      to: { path: MAIN },
    },
  ],
  options: {
    // TypeScript 7 has no compiler API for dependency-cruiser to parse with; swc parses the same syntax.
    parser: 'swc',
    // Type-only imports are arrows too: a domain file naming a Prisma type depends on Prisma.
    tsPreCompilationDeps: true,
    // The generated Prisma client is a package in all but location: arrows into it count, arrows inside it do not.
    doNotFollow: { path: ['node_modules', '^src/generated/'] },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
