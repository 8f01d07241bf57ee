import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { AssessmentJobData, CheckJobData, DeploymentJobData, parseJobData, PhaseJobData, SignoffJobData } from '../../../jobs/job-data.ts';
import { deploymentProcessor } from '../../../jobs/deployment.ts';
import { DigestJobData } from '../../../jobs/digest.ts';

describe('job payloads', () => {
  it('a malformed payload fails the job for good, saying which field is wrong (a retry would not fix it)', () => {
    const attempt = () => parseJobData(CheckJobData, { assessmentId: 'not-a-uuid', checkId: 'Bad Id!' }, 'check');
    expect(attempt).toThrow(UnrecoverableError);
    expect(attempt).toThrow(/invalid check job data: assessmentId: .*; checkId: /);
  });

  it('a missing payload is refused the same way', () => {
    expect(() => parseJobData(AssessmentJobData, undefined, 'assessment')).toThrow(UnrecoverableError);
  });

  it('a valid payload passes through', () => {
    const data = { assessmentId: '3f2c9a7e-1b4d-4c5e-9f60-123456789abc', checkId: 'health' };
    expect(parseJobData(CheckJobData, data, 'check')).toEqual(data);
  });

  it.each([
    ['signoff', SignoffJobData, { requestId: 42 }, /invalid signoff job data: requestId: /],
    ['rollback', DeploymentJobData, { deploymentId: 'x' }, /invalid rollback job data: deploymentId: /],
    [
      'digest',
      DigestJobData,
      { digest: 'Daily Digest', slot: 'yesterday', key: '', requestedBy: 'system' },
      /invalid digest job data: digest: .*; slot: .*; key: /,
    ],
    [
      'deployment phase',
      PhaseJobData,
      { deploymentId: '3f2c9a7e-1b4d-4c5e-9f60-123456789abc', phaseIndex: -1, generation: 'one' },
      /phaseIndex: .*; generation: /,
    ],
  ])('a malformed %s payload fails for good, naming the fields', (name, schema, data, message) => {
    const attempt = () => parseJobData(schema, data, name);
    expect(attempt).toThrow(UnrecoverableError);
    expect(attempt).toThrow(message);
  });

  it('a deployments job of an unknown name is refused by name', async () => {
    const process = deploymentProcessor({} as never);
    await expect(process({ name: 'launch', data: {} } as never)).rejects.toThrow('unknown deployments job launch');
  });
});
