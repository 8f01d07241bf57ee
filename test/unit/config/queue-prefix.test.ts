import { describe, expect, it } from 'vitest';
import { type ConfigError, Env, parseEnv } from '../../../src/config/env.ts';
import { clusterHashTag, isHashTagPrefix } from '../../../src/config/queue-prefix.ts';

const HTTP_MODE = { SLACK_BOT_TOKEN: 'xoxb-123-456-abc', SLACK_SIGNING_SECRET: 'shh-secret' };

describe('QUEUE_PREFIX', () => {
  it('keeps the plain default, so an upgrade finds the queues where it left them', () => {
    expect(parseEnv(Env, HTTP_MODE).QUEUE_PREFIX).toBe('readiness');
  });

  it('accepts the Redis Cluster hash-tag form {name}', () => {
    expect(parseEnv(Env, { ...HTTP_MODE, QUEUE_PREFIX: '{readiness}' }).QUEUE_PREFIX).toBe('{readiness}');
  });

  it('refuses half a hash tag or braces inside a name, saying which forms it takes', () => {
    for (const prefix of ['{readiness', 'readiness}', 'ready{ness}', '{}', '{a:b}', 'a b']) {
      let problems: string[] = [];
      try {
        parseEnv(Env, { ...HTTP_MODE, QUEUE_PREFIX: prefix });
      } catch (error) {
        problems = (error as ConfigError).problems;
      }
      expect(problems, prefix).toEqual([
        'QUEUE_PREFIX: letters, digits, _ and - only, optionally wrapped in braces as a Redis Cluster hash tag such as {readiness}',
      ]);
    }
  });
});

describe('clusterHashTag', () => {
  it('hashes only the tag of a hash-tag prefix, so every queue of an installation shares one slot', () => {
    expect(isHashTagPrefix('{readiness}')).toBe(true);
    expect(clusterHashTag('{readiness}:checks:check_a_b')).toBe('readiness');
    expect(clusterHashTag('{readiness}:assessments:meta')).toBe('readiness');
  });

  it('hashes the whole key of a plain prefix, so queues scatter across slots', () => {
    expect(isHashTagPrefix('readiness')).toBe(false);
    expect(clusterHashTag('readiness:checks:wait')).toBe('readiness:checks:wait');
    expect(clusterHashTag('readiness:{}:x')).toBe('readiness:{}:x');
  });
});
