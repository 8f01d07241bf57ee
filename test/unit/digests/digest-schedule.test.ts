import { describe, expect, it } from 'vitest';
import { digestPeriod, digestTargets, isSlot, MAX_PERIOD_MS, previousSlot, slotOf } from '../../../src/digests/digest-schedule.ts';

const daily9 = { schedule: '0 9 * * *', timezone: 'UTC' };

describe('digest schedule', () => {
  it('finds the previous slot of a daily schedule', () => {
    expect(previousSlot(daily9, new Date('2026-12-02T09:00:00Z'))?.toISOString()).toBe('2026-12-01T09:00:00.000Z');
    expect(previousSlot(daily9, new Date('2026-12-02T10:30:00Z'))?.toISOString()).toBe('2026-12-02T09:00:00.000Z');
  });

  it('reads the schedule in its time zone', () => {
    const berlin = { schedule: '0 9 * * *', timezone: 'Europe/Berlin' };
    // 09:00 in Berlin is 08:00 UTC in winter.
    expect(previousSlot(berlin, new Date('2026-12-02T12:00:00Z'))?.toISOString()).toBe('2026-12-02T08:00:00.000Z');
    expect(isSlot(berlin, new Date('2026-12-02T08:00:20Z'))).toBe(true);
    expect(isSlot(berlin, new Date('2026-12-02T09:00:00Z'))).toBe(false);
  });

  it('finds slots in zones whose offset is not whole hours', () => {
    expect(previousSlot({ schedule: '0 9 * * *', timezone: 'Asia/Kolkata' }, new Date('2026-12-02T12:00:00Z'))?.toISOString()).toBe(
      '2026-12-02T03:30:00.000Z',
    );
    expect(previousSlot({ schedule: '30 9 * * *', timezone: 'Asia/Kathmandu' }, new Date('2026-12-02T12:00:00Z'))?.toISOString()).toBe(
      '2026-12-02T03:45:00.000Z',
    );
  });

  it('finds the previous slot across a change to summer time', () => {
    // Berlin moves from UTC+1 to UTC+2 on 2026-03-29: 09:00 local is 08:00 UTC before and 07:00 UTC after.
    const berlin = { schedule: '0 9 * * *', timezone: 'Europe/Berlin' };
    expect(previousSlot(berlin, new Date('2026-03-29T07:00:00Z'))?.toISOString()).toBe('2026-03-28T08:00:00.000Z');
    expect(previousSlot(berlin, new Date('2026-03-29T12:00:00Z'))?.toISOString()).toBe('2026-03-29T07:00:00.000Z');
  });

  it('covers the weekend in a Monday digest of a weekday schedule', () => {
    const weekdays = { schedule: '0 9 * * 1-5', timezone: 'UTC' };
    // 2026-12-07 is a Monday.
    expect(digestPeriod(weekdays, new Date('2026-12-07T09:00:00Z'))).toEqual({
      from: new Date('2026-12-04T09:00:00Z'),
      to: new Date('2026-12-07T09:00:00Z'),
    });
  });

  it('covers at most 31 days however rarely it fires', () => {
    const yearly = { schedule: '0 9 1 1 *', timezone: 'UTC' };
    const slot = new Date('2027-01-01T09:00:00Z');
    expect(digestPeriod(yearly, slot).from.getTime()).toBe(slot.getTime() - MAX_PERIOD_MS);
  });

  it('looks back no further than asked', () => {
    expect(previousSlot(daily9, new Date('2026-12-02T12:00:00Z'), 3600_000)).toBeUndefined();
    expect(previousSlot(daily9, new Date('2026-12-02T09:30:00Z'), 3600_000)?.toISOString()).toBe('2026-12-02T09:00:00.000Z');
  });

  it('truncates a tick to its minute', () => {
    expect(slotOf(new Date('2026-12-02T09:00:00.734Z')).toISOString()).toBe('2026-12-02T09:00:00.000Z');
  });

  it('covers the named services and environments, or all of them, in config order', () => {
    const config = { services: { a: { environments: { staging: {}, production: {} } }, b: { environments: { production: {} } } } } as never;
    expect(digestTargets(config, {})).toEqual([
      { service: 'a', environment: 'staging' },
      { service: 'a', environment: 'production' },
      { service: 'b', environment: 'production' },
    ]);
    expect(digestTargets(config, { services: ['b', 'a'], environments: ['production'] })).toEqual([
      { service: 'b', environment: 'production' },
      { service: 'a', environment: 'production' },
    ]);
  });
});
