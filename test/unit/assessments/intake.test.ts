import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { IntakeJobData } from '../../../jobs/intake.ts';
import { parseJobData } from '../../../jobs/job-data.ts';
import { INTAKE_DELAY_MS, intakeStep } from '../../../src/assessments/intake.ts';
import { jobIds } from '../../../src/queue/names.ts';

const createdAt = new Date('2026-12-03T10:00:00.000Z');
const at = (ms: number) => new Date(createdAt.getTime() + ms);

describe('intakeStep: what the intake job does about the assessment it finds', () => {
  it('nothing when the message is posted, whoever recorded the assessment', () => {
    expect(intakeStep({ messageTs: '1.000001', createdAt }, false, at(INTAKE_DELAY_MS), INTAKE_DELAY_MS)).toEqual({ step: 'done' });
    expect(intakeStep({ messageTs: '1.000001', createdAt }, true, at(0), INTAKE_DELAY_MS)).toEqual({ step: 'done' });
  });

  it('posts at once what it recorded itself: the bot died before recording, so nobody else will post', () => {
    expect(intakeStep({ messageTs: null, createdAt }, true, at(0), INTAKE_DELAY_MS)).toEqual({ step: 'publish' });
  });

  it('posts for a row the bot recorded the full delay ago without posting (it died between the two)', () => {
    expect(intakeStep({ messageTs: null, createdAt }, false, at(INTAKE_DELAY_MS), INTAKE_DELAY_MS)).toEqual({ step: 'publish' });
  });

  it('waits until the bot had the full delay for a row it recorded late (the command waited in the limiter)', () => {
    expect(intakeStep({ messageTs: null, createdAt }, false, at(INTAKE_DELAY_MS - 1), INTAKE_DELAY_MS)).toEqual({
      step: 'wait',
      until: at(INTAKE_DELAY_MS),
    });
  });
});

describe('the intake job', () => {
  it('has one id per trigger_id, without the ":" BullMQ reserves', () => {
    const triggerId = '13345224609.738474920.8088930838d88f008e0:x';
    expect(jobIds.intake(triggerId)).toBe(jobIds.intake(triggerId));
    expect(jobIds.intake(triggerId)).not.toBe(jobIds.intake(`${triggerId}1`));
    expect(jobIds.intake(triggerId)).toMatch(/^intake_[0-9a-f]{24}$/);
  });

  it('refuses a payload that is not a command request for good', () => {
    const attempt = () =>
      parseJobData(
        IntakeJobData,
        { requestKey: 't', service: 'checkout', environment: 'prod', requestedBy: 'someone', teamId: null, channelId: 'C0X' },
        'intake',
      );
    expect(attempt).toThrow(UnrecoverableError);
    expect(attempt).toThrow(/invalid intake job data: requestedBy: /);
  });
});
