import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { AssessmentJobData, CheckJobData, parseJobData } from '../../../jobs/job-data.ts';

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
});
