import { describe, expect, it } from 'vitest';
import { containsRedaction, isSecretName, redactDeep, redactText, redactValues, secretValuesOf } from '../../../src/secrets/redact.ts';

describe('redactText', () => {
  it.each([
    ['URL password', 'postgresql://app:s3cr3t@db:5432/app', 'postgresql://app:***@db:5432/app'],
    [
      'URL password holding a raw "@"',
      'could not connect to postgresql://app:p@ss@db:5432/app (refused)',
      'could not connect to postgresql://app:***@db:5432/app (refused)',
    ],
    ['two URLs, each with its own userinfo', 'from https://a:x1@h1/p to https://b:y2@h2/q', 'from https://a:***@h1/p to https://b:***@h2/q'],
    ['URL token as the user', 'https://ghp_abcdef1234567890abcdef@github.com/x', 'https://***@github.com/x'],
    ['a user name alone is kept', 'postgresql://postgres@127.0.0.1/db', 'postgresql://postgres@127.0.0.1/db'],
    ['a password that is a reference is kept', 'postgresql://app:${env:DB_PASSWORD}@db/app', 'postgresql://app:${env:DB_PASSWORD}@db/app'],
    ['query token', 'https://api.example.com/health?token=abc123&verbose=1', 'https://api.example.com/health?token=***&verbose=1'],
    ['query api_key and signature', 'http://x/y?api_key=k1k1k1&X-Amz-Signature=deadbeef', 'http://x/y?api_key=***&X-Amz-Signature=***'],
    ['query key and password', 'http://x/?key=AIzaXYZ&password=hunter22', 'http://x/?key=***&password=***'],
    ['harmless parameters stay', 'http://x/?page=2&sort=asc', 'http://x/?page=2&sort=asc'],
    ['libpq key=value password', 'host=db user=app password=s3cr3t dbname=app', 'host=db user=app password=*** dbname=app'],
    ['a bearer token in text', 'sent Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc', 'sent Authorization: Bearer ***'],
    ['basic credentials in text', 'header Basic dXNlcjpwYXNzd29yZA==', 'header Basic ***'],
    ['prose is left alone', 'Basic checks passed; token expired; the password field', 'Basic checks passed; token expired; the password field'],
    [
      'prefixed names in an environment dump',
      'PGPASSWORD=hunter22 DB_PASSWORD=hunter22 client_secret=abcdefgh',
      'PGPASSWORD=*** DB_PASSWORD=*** client_secret=***',
    ],
    [
      'a secret JSON member quoted in text',
      'answered {"error":"boom","env":{"DB_PASSWORD": "hunter22"},"x-api-key":"k3y"}',
      'answered {"error":"boom","env":{"DB_PASSWORD": "***"},"x-api-key":"***"}',
    ],
    [
      'JSON members about a secret, or naming one, stay',
      '{"tokenExpiresAt":"2026-12-03","field":"password","auth":"${env:T}"}',
      '{"tokenExpiresAt":"2026-12-03","field":"password","auth":"${env:T}"}',
    ],
  ])('%s', (_name, input, expected) => {
    expect(redactText(input)).toBe(expected);
  });
});

describe('isSecretName', () => {
  it.each([
    ['authorization', true],
    ['Authorization', true],
    ['cookie', true],
    ['x-api-key', true],
    ['X-Auth-Token', true],
    ['apiKey', true],
    ['response_url', true],
    ['responseUrl', true],
    ['api_key', true],
    ['db_password', true],
    ['clientSecret', true],
    ['x-readiness-signature', true],
    ['url', false],
    ['authorizationError', false],
    ['secretReference', false],
    ['tokenExpiresAt', false],
    ['idempotency-key', false],
    ['key', false],
    ['monkey', false],
    ['jsonPath', false],
    ['status', false],
  ])('%s → %s', (name, secret) => {
    expect(isSecretName(name)).toBe(secret);
  });

  it('gives the same answers after many other names were asked about (its remembered answers are bounded)', () => {
    for (let i = 0; i < 5000; i += 1) isSecretName(`field${i}`);
    expect([isSecretName('x-api-key'), isSecretName('url'), isSecretName('db_password'), isSecretName('field1')]).toEqual([true, false, true, false]);
  });
});

describe('redactDeep', () => {
  it('redacts secret-named fields, keeps references and never mutates its input', () => {
    const spec = {
      url: 'https://u:p4ssw0rd@api.internal/x?token=t0k3n',
      headers: {
        Authorization: 'Bearer literal-token-value',
        'X-Api-Key': '${env:API_KEY}',
        Accept: 'application/json',
        Cookie: 'Bearer ${file:/run/secrets/c}',
      },
      nested: [{ password: 'pw-literal' }],
    };
    const copy = structuredClone(spec);
    expect(redactDeep(spec)).toEqual({
      url: 'https://u:***@api.internal/x?token=***',
      headers: { Authorization: '***', 'X-Api-Key': '${env:API_KEY}', Accept: 'application/json', Cookie: 'Bearer ${file:/run/secrets/c}' },
      nested: [{ password: '***' }],
    });
    expect(spec).toEqual(copy);
  });

  it('redacts resolved values wherever they appear, in their URL-encoded form too', () => {
    expect(redactDeep({ message: 'could not connect to db as p@ss/word!' }, ['p@ss/word!'])).toEqual({ message: 'could not connect to db as ***' });
    expect(redactValues('GET /x?q=p%40ss%2Fword!', ['p@ss/word!'])).toBe('GET /x?q=***');
    expect(redactValues('a b c', ['b'])).toBe('a b c');
  });

  it('says whether it took something out', () => {
    expect(containsRedaction(redactDeep({ headers: { authorization: 'x' } }))).toBe(true);
    expect(containsRedaction(redactDeep({ headers: { authorization: '${env:T}' } }))).toBe(false);
  });
});

describe('redactValues on shortened text', () => {
  it('redacts the start of a secret that a truncation cut off before the ellipsis', () => {
    expect(redactValues('not JSON ("padding then tok_abcdef…")', ['tok_abcdefghijkl'])).toBe('not JSON ("padding then ***…")');
    expect(redactValues('one tok_abcdefghijkl, then tok_ab…', ['tok_abcdefghijkl'])).toBe('one ***, then ***…');
  });
  it('leaves an ellipsis alone when what precedes it is not a secret’s start', () => {
    expect(redactValues('and so on…', ['tok_abcdefghijkl'])).toBe('and so on…');
    // Fewer characters than a secret may have are a coincidence, not a leak.
    expect(redactValues('the t…', ['tok_abcdefghijkl'])).toBe('the t…');
  });
});

describe('secretValuesOf', () => {
  it('finds the literal credentials a spec will send: secret headers, the credential after a scheme, URL passwords and secret parameters', () => {
    const values = secretValuesOf({
      url: 'https://robot:pa%24%24word@api.example.com/health?api_key=k3y-value&page=2',
      headers: { 'X-Api-Key': 'literal-key', Authorization: 'Bearer abc.def.ghi', Accept: 'application/json' },
      bodyContains: 'healthy',
    });
    expect(values).toEqual(expect.arrayContaining(['pa%24%24word', 'pa$$word', 'k3y-value', 'literal-key', 'Bearer abc.def.ghi', 'abc.def.ghi']));
    expect(values).not.toContain('application/json');
    expect(values).not.toContain('healthy');
    expect(values).not.toContain('2');
  });
  it('finds nothing in a spec without credentials', () => {
    expect(secretValuesOf({ url: 'http://127.0.0.1/healthz', timeoutMs: 500, headers: { Accept: 'text/plain' } })).toEqual([]);
  });
});
