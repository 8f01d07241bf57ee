import { describe, expect, it } from 'vitest';
import { jobLogFields } from '../../../jobs/job-log-fields.ts';

describe('jobLogFields', () => {
  it('names the queue, the job and what its data is about', () => {
    expect(jobLogFields('checks', { id: 'check_a_health', name: 'check', data: { assessmentId: 'a', checkId: 'health', other: 'x' } })).toEqual({
      queue: 'checks',
      jobId: 'check_a_health',
      jobName: 'check',
      assessmentId: 'a',
      checkId: 'health',
    });
    expect(jobLogFields('deployments', { id: 'd1', name: 'phase', data: { deploymentId: 'd' } })).toMatchObject({ deploymentId: 'd' });
    expect(jobLogFields('escalations', { id: 'e1', name: 'escalate', data: { incidentId: 'i', plan: 0 } })).toMatchObject({ incidentId: 'i' });
  });

  it('takes nothing but short strings from the data, and survives data that is not an object', () => {
    expect(jobLogFields('intake', { id: undefined, name: 'intake', data: { assessmentId: 'x'.repeat(500), incidentId: 42 } })).toEqual({
      queue: 'intake',
      jobId: '',
      jobName: 'intake',
    });
    expect(jobLogFields('digests', { name: 'digest', data: null })).toEqual({ queue: 'digests', jobId: '', jobName: 'digest' });
  });
});
