import { describe, expect, it } from 'vitest';
import { withLogContext } from '../../../src/shared/log-context.ts';
import { createLogger } from '../../../src/shared/logger.ts';
import { chooseLogFormat } from '../../../src/shared/process-logger.ts';
import { rememberSecretValues } from '../../../src/secrets/process-secrets.ts';

function capture(level: 'debug' | 'info' | 'warn' | 'error' = 'debug') {
  const lines: string[] = [];
  const logger = createLogger(level, (line) => lines.push(line));
  return { logger, lines, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('the pino logger behind the Logger port', () => {
  it('writes one JSON object per line with the level name, an ISO time and the message', () => {
    const { logger, lines, parsed } = capture();
    logger.info('assessment finished', { assessmentId: 'a1', verdict: 'GO' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('"level":"info"');
    expect(parsed()[0]).toMatchObject({ level: 'info', msg: 'assessment finished', assessmentId: 'a1', verdict: 'GO' });
    expect(String(parsed()[0]?.time)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('drops lines below its level', () => {
    const { logger, parsed } = capture('warn');
    logger.debug('noise');
    logger.info('noise');
    logger.warn('kept');
    logger.error('kept too');
    expect(parsed().map((line) => line.level)).toEqual(['warn', 'error']);
  });

  it('adds the fields of the job running now to every line, and the call’s own fields win', () => {
    const { logger, parsed } = capture();
    withLogContext({ queue: 'checks', jobId: 'check_a_h', assessmentId: 'a' }, () => {
      logger.info('probe answered', { checkId: 'h' });
      withLogContext({ checkId: 'inner' }, () => logger.warn('nested', { jobId: 'own' }));
    });
    logger.info('outside');
    expect(parsed()).toMatchObject([
      { msg: 'probe answered', queue: 'checks', jobId: 'check_a_h', assessmentId: 'a', checkId: 'h' },
      { msg: 'nested', queue: 'checks', jobId: 'own', assessmentId: 'a', checkId: 'inner' },
      { msg: 'outside' },
    ]);
    expect(parsed()[2]).not.toHaveProperty('queue');
  });

  it('censors Slack tokens, signing secrets and check secrets by path and name, and resolved secret values anywhere', () => {
    const { logger, lines } = capture();
    rememberSecretValues(['value-from-a-secret-file-77']);
    withLogContext({ note: 'context says value-from-a-secret-file-77' }, () =>
      logger.error('start-up failed', {
        botToken: 'xoxb-1-2-abcdef',
        signingSecret: 'signing-secret-abc',
        env: { SLACK_BOT_TOKEN: 'xoxb-9-9-zzz', BULL_BOARD_PASSWORD: 'board-password-123456' },
        check: { headers: { 'x-api-key': 'check-key-123' }, password: 'pg-password' },
      }),
    );
    const text = lines.join('\n');
    for (const secret of [
      'xoxb-1-2-abcdef',
      'signing-secret-abc',
      'xoxb-9-9-zzz',
      'board-password-123456',
      'check-key-123',
      'pg-password',
      'value-from-a-secret-file-77',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('"botToken":"***"');
  });
});

describe('chooseLogFormat', () => {
  it('follows LOG_FORMAT when set, else pretty only on a terminal outside production', () => {
    expect(chooseLogFormat('json', true, undefined)).toBe('json');
    expect(chooseLogFormat('pretty', false, 'production')).toBe('pretty');
    expect(chooseLogFormat(undefined, true, undefined)).toBe('pretty');
    expect(chooseLogFormat(undefined, true, 'production')).toBe('json');
    expect(chooseLogFormat(undefined, false, 'development')).toBe('json');
  });
});
