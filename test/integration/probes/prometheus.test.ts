import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PrometheusCheckSpec } from '../../../src/checks/specs/prometheus.ts';
import { runCheck } from '../../../src/probes/run-check.ts';
import { promAnswer, startPrometheusServer, type PrometheusServer } from '../../support/prometheus-server.ts';
import { closedPortUrl } from '../../support/test-stack.ts';

const ERROR_RATE = 'sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))';

let prometheus: PrometheusServer;
beforeAll(async () => {
  prometheus = await startPrometheusServer();
});
beforeEach(() => prometheus.reset());
afterAll(async () => {
  await prometheus.close();
});

const spec = (fields: Record<string, unknown> = {}) =>
  PrometheusCheckSpec.parse({
    id: 'error-rate',
    name: 'Error rate',
    type: 'prometheus',
    url: prometheus.url,
    query: ERROR_RATE,
    comparator: '<',
    warn: 0.01,
    fail: 0.05,
    ...fields,
  });

describe('the prometheus check', () => {
  it('passes, warns and fails by the thresholds, sending the query and reporting the raw measurement', async () => {
    prometheus.answer(ERROR_RATE, promAnswer.value(0.005));
    const pass = await runCheck(spec());
    expect(pass.status).toBe('PASS');
    expect(pass.message).toContain('is 0.005, meeting < 0.01 (warn) and < 0.05 (fail)');
    expect(pass.evidence).toMatchObject({ query: ERROR_RATE, value: 0.005, comparator: '<', warn: 0.01, fail: 0.05 });
    expect(prometheus.queries).toEqual([ERROR_RATE]);

    prometheus.answer(ERROR_RATE, promAnswer.value(0.02));
    const warn = await runCheck(spec());
    expect(warn.status).toBe('WARN');
    expect(warn.message).toContain('is 0.02: within the fail threshold (< 0.05) but not the warn threshold (< 0.01)');

    prometheus.answer(ERROR_RATE, promAnswer.value(0.07));
    const fail = await runCheck(spec());
    expect(fail).toMatchObject({ status: 'FAIL', evidence: { value: 0.07 } });
    expect(fail.message).toContain('is 0.07; it must be < 0.05 to pass');
  });

  it('accepts a scalar result and works without a warn bound', async () => {
    prometheus.answer('scalar(up)', promAnswer.scalar(1));
    const outcome = await runCheck(spec({ query: 'scalar(up)', comparator: '==', fail: 1, warn: undefined }));
    expect(outcome).toMatchObject({ status: 'PASS', evidence: { value: 1, resultType: 'scalar' } });
  });

  it('finds the API under a base URL with a trailing slash', async () => {
    prometheus.answer('up', promAnswer.value(1));
    expect((await runCheck(spec({ url: `${prometheus.url}/`, query: 'up', comparator: '>=', fail: 1, warn: undefined }))).status).toBe('PASS');
  });

  it('sends credentials in the URL as Basic auth and never shows the password', async () => {
    prometheus.answer('up', promAnswer.value(1));
    const withCredentials = prometheus.url.replace('http://', 'http://reader:s3cret-pw@');
    const outcome = await runCheck(spec({ url: withCredentials, query: 'up', comparator: '>=', fail: 1, warn: undefined }));
    expect(outcome.status).toBe('PASS');
    expect(JSON.stringify(outcome)).not.toContain('s3cret-pw');
  });

  it('reports an empty result as ERROR: nothing was measured', async () => {
    prometheus.answer(ERROR_RATE, promAnswer.empty());
    const outcome = await runCheck(spec());
    expect(outcome.status).toBe('ERROR');
    expect(outcome.message).toMatch(/the query .* returned no series/);
  });

  it('reports several series as ERROR and says how to make it one', async () => {
    prometheus.answer(
      ERROR_RATE,
      promAnswer.series([
        { labels: { pod: 'a' }, value: 0.01 },
        { labels: { pod: 'b' }, value: 0.02 },
        { labels: { pod: 'c' }, value: 0 },
      ]),
    );
    const outcome = await runCheck(spec());
    expect(outcome.status).toBe('ERROR');
    expect(outcome.message).toMatch(/returned 3 series; make the query return one, e.g. with sum\(\)/);
    expect(outcome.evidence).toMatchObject({ series: 3, labels: [{ pod: 'a' }, { pod: 'b' }, { pod: 'c' }] });
  });

  it('reports a Prometheus error with its reason', async () => {
    prometheus.answer('sum(rate(x[5m]', promAnswer.error('1:15: parse error: unclosed left parenthesis'));
    const outcome = await runCheck(spec({ query: 'sum(rate(x[5m]' }));
    expect(outcome.status).toBe('ERROR');
    expect(outcome.message).toMatch(/Prometheus rejected the query .*: bad_data: 1:15: parse error: unclosed left parenthesis/);
    expect(outcome.evidence).toMatchObject({ httpStatus: 400 });
  });

  it('reports status error even when it comes with HTTP 200', async () => {
    prometheus.answer(ERROR_RATE, promAnswer.error('query timed out in expression evaluation', { errorType: 'timeout', httpStatus: 200 }));
    const outcome = await runCheck(spec());
    expect(outcome).toMatchObject({ status: 'ERROR' });
    expect(outcome.message).toMatch(/timeout: query timed out/);
  });

  it('reports an HTML page (a login page or proxy) as not the Prometheus API', async () => {
    prometheus.answer(ERROR_RATE, promAnswer.html());
    const outcome = await runCheck(spec());
    expect(outcome.status).toBe('ERROR');
    expect(outcome.message).toContain('answered HTML/non-JSON, not the Prometheus API');
    expect(outcome.evidence).toMatchObject({ httpStatus: 200, contentType: 'text/html; charset=utf-8' });
  });

  it('reports a non-2xx answer as ERROR with the status', async () => {
    prometheus.answer(ERROR_RATE, promAnswer.html(502, '<html>Bad Gateway</html>'));
    const outcome = await runCheck(spec());
    expect(outcome.status).toBe('ERROR');
    expect(outcome.message).toMatch(/answered HTTP 502/);
    expect(outcome.evidence).toMatchObject({ httpStatus: 502 });
  });

  it('reports JSON that is not a query response as ERROR', async () => {
    prometheus.answer(ERROR_RATE, promAnswer.raw(200, '{"hello":"world"}'));
    const outcome = await runCheck(spec());
    expect(outcome.status).toBe('ERROR');
    expect(outcome.message).toMatch(/answered JSON that is not a Prometheus query response/);
  });

  it('reports a range vector as ERROR: the query must be an instant one', async () => {
    prometheus.answer('up[5m]', promAnswer.matrix([1, 1, 1]));
    const outcome = await runCheck(spec({ query: 'up[5m]' }));
    expect(outcome.status).toBe('ERROR');
    expect(outcome.message).toMatch(/returned a matrix, not an instant vector or scalar/);
  });

  it.each([
    ['NaN', Number.NaN],
    ['+Inf', Number.POSITIVE_INFINITY],
    ['-Inf', Number.NEGATIVE_INFINITY],
  ])('reports %s as ERROR: it cannot be compared', async (shown, value) => {
    prometheus.answer(ERROR_RATE, promAnswer.value(value));
    const outcome = await runCheck(spec());
    expect(outcome.status).toBe('ERROR');
    expect(outcome.message).toContain(`returned ${shown}, which cannot be compared`);
    expect(outcome.evidence).toMatchObject({ value: shown });
  });

  it('reports a hanging Prometheus as ERROR after the check timeout', async () => {
    prometheus.answer(ERROR_RATE, promAnswer.hang());
    const outcome = await runCheck(spec({ timeoutMs: 200 }));
    expect(outcome).toMatchObject({ status: 'ERROR', message: 'no answer within the 200 ms timeout' });
  });

  it('reports an unreachable Prometheus as ERROR: the check could not be evaluated', async () => {
    const url = await closedPortUrl();
    const outcome = await runCheck(spec({ url }));
    expect(outcome.status).toBe('ERROR');
    expect(outcome.message).toMatch(/could not query Prometheus at .*ECONNREFUSED/);
  });

  it('reports an invalid URL as ERROR', async () => {
    const outcome = await runCheck(spec({ url: 'not a url' }));
    expect(outcome.status).toBe('ERROR');
    expect(outcome.message).toMatch(/not a valid URL/);
  });
});

describe('the prometheus check message', () => {
  it('rounds the value for reading, but never into looking equal to the threshold it misses', async () => {
    prometheus.answer('q1', promAnswer.value('0.0123456789'));
    expect((await runCheck(spec({ query: 'q1' }))).message).toContain('is 0.0123457:');
    prometheus.answer('q2', promAnswer.value('0.0500000001'));
    const outcome = await runCheck(spec({ query: 'q2' }));
    expect(outcome.message).toContain('is 0.0500000001; it must be < 0.05 to pass');
    expect(outcome.evidence).toMatchObject({ value: 0.0500000001 });
  });
});
