import { describe, expect, it } from 'vitest';
import { findReferenceProblems, referenceSyntaxProblem, resolveReferences, type SecretSource } from '../../../src/secrets/references.ts';

const source = (env: Record<string, string>, files: Record<string, string> = {}): SecretSource => ({
  env: (name) => env[name],
  readFile: async (path) => {
    if (!(path in files)) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return files[path] ?? '';
  },
});

describe('secret reference syntax', () => {
  it.each([
    ['${env:API_TOKEN}', undefined],
    ['Bearer ${env:API_TOKEN}', undefined],
    ['${file:/run/secrets/db}', undefined],
    ['no reference at all', undefined],
    ['label_replace(up, "x", "$${1}", "instance", "(.*)")', undefined],
    ['${env:}', 'needs a variable name'],
    ['${env:1BAD}', 'needs a variable name'],
    ['${file:relative/path}', 'needs an absolute path'],
    ['${vault:secret/x}', 'use ${env:NAME} or ${file:/absolute/path}'],
    ['${env:TOKEN', 'use ${env:NAME} or ${file:/absolute/path}'],
  ])('%s', (text, problem) => {
    if (problem === undefined) expect(referenceSyntaxProblem(text)).toBeUndefined();
    else expect(referenceSyntaxProblem(text)).toContain(problem);
  });

  it('reports every malformed reference with its key path', () => {
    const problems = findReferenceProblems({ services: { shop: { checks: [{ url: 'https://x', headers: { Authorization: 'Bearer ${env:}' } }] } } });
    expect(problems).toEqual([expect.stringMatching(/^services\.shop\.checks\[0\]\.headers\.Authorization: \$\{env:\} is not a valid reference/)]);
  });
});

describe('resolveReferences', () => {
  it('resolves env and file references in nested strings and lists the values it put in', async () => {
    const resolved = await resolveReferences(
      { url: 'postgresql://app:${env:DB_PW}@db/app', headers: { authorization: 'Bearer ${file:/s/token}' }, timeoutMs: 5 },
      source({ DB_PW: 'pw-value' }, { '/s/token': 'tok-value\n' }),
    );
    expect(resolved).toEqual({
      ok: true,
      value: { url: 'postgresql://app:pw-value@db/app', headers: { authorization: 'Bearer tok-value' }, timeoutMs: 5 },
      secrets: expect.arrayContaining(['pw-value', 'tok-value']),
    });
  });

  it('names the reference it cannot resolve, never a value', async () => {
    expect(await resolveReferences({ url: '${env:MISSING_ONE}' }, source({}))).toEqual({
      ok: false,
      reference: '${env:MISSING_ONE}',
      problem: 'the environment variable MISSING_ONE is not set',
    });
    expect(await resolveReferences({ url: '${file:/nope}' }, source({}))).toMatchObject({
      ok: false,
      problem: 'the file /nope cannot be read (ENOENT)',
    });
  });

  it('turns $${ into a literal ${', async () => {
    expect(await resolveReferences({ query: 'label_replace(up, "x", "$${1}", "i", "(.*)")' }, source({}))).toEqual({
      ok: true,
      value: { query: 'label_replace(up, "x", "${1}", "i", "(.*)")' },
      secrets: [],
    });
  });

  it('runs a spec without references as it is, and still finds one deep inside a list', async () => {
    const plain = { url: 'https://api/health', headers: { accept: 'json' }, expectStatus: [200, 204], timeoutMs: 5 };
    const resolved = await resolveReferences(plain, source({}));
    expect(resolved).toEqual({ ok: true, value: plain, secrets: [] });
    const nested = await resolveReferences(
      { steps: [{ headers: { a: 'x' } }, { headers: { b: 'Bearer ${env:DEEP}' } }] },
      source({ DEEP: 'deep-value' }),
    );
    expect(nested).toEqual({
      ok: true,
      value: { steps: [{ headers: { a: 'x' } }, { headers: { b: 'Bearer deep-value' } }] },
      secrets: ['deep-value'],
    });
  });

  it('does not interpolate {{vars}} or references inside a resolved value', async () => {
    const resolved = await resolveReferences({ v: '${env:A}' }, source({ A: '${env:B} {{x}}', B: 'never' }));
    expect(resolved).toMatchObject({ ok: true, value: { v: '${env:B} {{x}}' } });
  });
});

describe("Readiness's own credentials", () => {
  it.each(['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'DATABASE_URL', 'REDIS_URL', 'ADMIN_TOKEN'])(
    'refuses ${env:%s} when loading and when resolving',
    async (name) => {
      expect(referenceSyntaxProblem(`Bearer \${env:${name}}`)).toContain(`\${env:${name}} is not allowed: ${name} is Readiness's own credential`);
      const resolved = await resolveReferences({ header: `\${env:${name}}` }, source({ [name]: 'the-bots-own-secret' }));
      expect(resolved).toMatchObject({ ok: false, reference: `\${env:${name}}` });
      expect(JSON.stringify(resolved)).not.toContain('the-bots-own-secret');
    },
  );
  it("refuses files under /proc (the worker's own environment), when loading and when resolving", async () => {
    expect(referenceSyntaxProblem('${file:/proc/self/environ}')).toContain(
      '${file:/proc/self/environ} is not allowed: /proc/self/environ is under /proc',
    );
    const resolved = await resolveReferences(
      { header: '${file:/proc/self/environ}' },
      source({}, { '/proc/self/environ': 'SLACK_BOT_TOKEN=xoxb-own' }),
    );
    expect(resolved).toMatchObject({ ok: false, reference: '${file:/proc/self/environ}' });
    expect(referenceSyntaxProblem('${file:/process/secret}')).toBeUndefined();
  });
  it('leaves other variables alone', () => {
    expect(referenceSyntaxProblem('${env:PAYMENTS_DATABASE_URL}')).toBeUndefined();
  });
});
