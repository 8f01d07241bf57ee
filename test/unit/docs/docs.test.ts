import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Env, WorkerEnv } from '../../../src/config/env.ts';
import { readinessJsonSchema } from '../../../src/config/readiness-json-schema.ts';
import { projectRoot } from '../../../src/shared/paths.ts';

// The reference pages are what people configure from: they must name every key the code accepts.

const doc = (name: string) => readFileSync(join(projectRoot, 'docs', name), 'utf8');

describe('docs/configuration.md', () => {
  const schema = readinessJsonSchema() as {
    properties: Record<string, unknown>;
  };
  const page = doc('configuration.md');

  it('mentions every top-level key of readiness.yaml', () => {
    const keys = Object.keys(schema.properties);
    expect(keys.length).toBeGreaterThan(5);
    expect(keys.filter((key) => !page.includes(`| \`${key}\` |`))).toEqual([]);
  });

  it('describes every check type in the check types table', () => {
    const services = schema.properties.services as {
      additionalProperties: { properties: { checks: { items: { oneOf: { properties: { type: { const: string } } }[] } } } };
    };
    const types = services.additionalProperties.properties.checks.items.oneOf.map((variant) => variant.properties.type.const);
    expect(types).toContain('http');
    expect(types.filter((type) => !page.includes(`| \`${type}\` |`))).toEqual([]);
  });
});

describe('docs/environment.md', () => {
  it('lists every environment variable of src/config/env.ts in its table', () => {
    const page = doc('environment.md');
    const variables = new Set([...Object.keys(Env.shape), ...Object.keys(WorkerEnv.shape)]);
    expect(variables.size).toBeGreaterThan(10);
    expect([...variables].filter((name) => !page.includes(`| \`${name}\` |`))).toEqual([]);
  });
});

describe('links in README.md and docs/', () => {
  // Written on other branches of the same change; linked already so the front page does not change again.
  const ARRIVING = new Set(['docs/install.md', 'docs/operations.md', 'docs/observability.md']);
  const pages = [
    'README.md',
    ...readdirSync(join(projectRoot, 'docs'))
      .filter((name) => name.endsWith('.md'))
      .map((name) => `docs/${name}`),
  ];

  it('point at files that exist', () => {
    const broken: string[] = [];
    for (const page of pages) {
      const text = readFileSync(join(projectRoot, page), 'utf8');
      for (const [, target = ''] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|mailto:|#)/.test(target)) continue;
        const file = resolve(projectRoot, dirname(page), target.split('#')[0] ?? '');
        const relative = file.slice(projectRoot.length + 1);
        if (!existsSync(file) && !ARRIVING.has(relative)) broken.push(`${page} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('the README stays a front page', () => {
    expect(readFileSync(join(projectRoot, 'README.md'), 'utf8').split('\n').length).toBeLessThanOrEqual(160);
  });
});
