import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/shared/logger.ts';
import { rememberSecretValues } from '../../../src/secrets/process-secrets.ts';

describe('the logger redacts before it writes', () => {
  it('secret-named fields, URL credentials and every secret value this process resolved', () => {
    const lines: string[] = [];
    const logger = createLogger('debug', (line) => lines.push(line));
    rememberSecretValues(['resolved-secret-value-42']);
    logger.warn('could not reach postgresql://app:hunter2@db/app', {
      url: 'https://api.internal/x?api_key=k-123',
      headers: { authorization: 'Bearer abcdefgh12345', accept: 'json' },
      err: 'upstream said resolved-secret-value-42 is wrong',
      jobId: 'check_1',
    });
    const logged = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(logged).toMatchObject({
      level: 'warn',
      msg: 'could not reach postgresql://app:***@db/app',
      url: 'https://api.internal/x?api_key=***',
      headers: { authorization: '***', accept: 'json' },
      err: 'upstream said *** is wrong',
      jobId: 'check_1',
    });
  });
});
