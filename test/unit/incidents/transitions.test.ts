import { describe, expect, it } from 'vitest';
import { decideAcknowledge } from '../../../src/incidents/acknowledge-incident.ts';
import { decideSeverityChange } from '../../../src/incidents/change-severity.ts';
import { decideEscalation, type EscalationRequest } from '../../../src/incidents/escalate-incident.ts';
import type { Decision, IncidentChange } from '../../../src/incidents/incident.types.ts';
import { planNewIncident, type IncidentDraft } from '../../../src/incidents/open-incident.ts';
import { decideMerge } from '../../../src/incidents/open-system-incident.ts';
import { decideResolve } from '../../../src/incidents/resolve-incident.ts';
import { incident, minutesAfterOpen, OPENED_AT, targets } from './fixtures.ts';

function applied<R>(decision: Decision<R>): IncidentChange {
  if (!decision.ok) throw new Error(`refused: ${String(decision.refusal)}`);
  return decision.change;
}

const destinations = (change: IncidentChange) =>
  change.notifications.map((n) => `${n.destination}${n.destination === 'dm' ? `:${n.channel}` : ''}:${n.event.type}`);
const actions = (change: IncidentChange) => change.audit.map((entry) => entry.action);

describe('planNewIncident', () => {
  const draft: IncidentDraft = {
    requestKey: 'trigger-1',
    mergeKey: null,
    title: 'Checkout answers 500s',
    severity: 'SEV2',
    kind: 'high-error-rate',
    service: 'checkout',
    environment: null,
    cause: null,
    openedBy: 'U0REPORTER',
    summary: null,
    evidence: null,
    channelId: 'C0INCIDENTS',
    threads: [{ channel: 'C0DEPLOYS', ts: '1.000001' }],
    stakeholders: [],
  };

  it('posts the alert first, tells the mirrored thread, pages level 1 and arms its timer', () => {
    const plan = planNewIncident(draft, { id: 'id-1', policy: incident().policy, runbookUrl: null, targets: targets(), at: OPENED_AT });
    expect(plan.notifications.map((n) => `${n.destination}:${n.event.type}`)).toEqual([
      'alert:alert',
      'thread:opened',
      'incident_thread:paged',
      'thread:paged',
      'dm:page_dm',
    ]);
    expect(plan.notifications.filter((n) => n.event.type.startsWith('page')).every((n) => n.onlyWhileOpen)).toBe(true);
    expect(plan.record.escalationDueAt).toEqual(minutesAfterOpen(15));
    expect(plan.audit.map((entry) => entry.action)).toEqual(['incident.opened', 'incident.paged']);
    expect(new Set(plan.notifications.map((n) => n.key)).size).toBe(plan.notifications.length);
  });

  it('pages no one and arms nothing for a ticket-queue severity', () => {
    const policy = { ...incident().policy, severity: 'SEV4' as const, levels: [] };
    const plan = planNewIncident(
      { ...draft, severity: 'SEV4', threads: [] },
      { id: 'id-2', policy, runbookUrl: null, targets: undefined, at: OPENED_AT },
    );
    expect(plan.record.escalationDueAt).toBeNull();
    expect(plan.notifications.map((n) => n.event.type)).toEqual(['alert', 'no_one_to_page']);
  });
});

describe('decideAcknowledge', () => {
  it('stops escalation and records the time to acknowledge', () => {
    const change = applied(decideAcknowledge(incident(), 'U0ONCALL', minutesAfterOpen(3)));
    expect(change.set).toMatchObject({ status: 'ACKNOWLEDGED', acknowledgedBy: 'U0ONCALL', timeToAcknowledgeSeconds: 180, escalationDueAt: null });
    expect(destinations(change)).toEqual(['incident_thread:acknowledged', 'alert_update:alert']);
  });

  it.each([
    ['ACKNOWLEDGED', 'already_acknowledged'],
    ['RESOLVED', 'resolved'],
  ] as const)('refuses a %s incident', (status, refusal) => {
    expect(decideAcknowledge(incident({ status }), 'U0X', minutesAfterOpen(1))).toEqual({ ok: false, refusal });
  });
});

describe('decideEscalation', () => {
  const request = (overrides: Partial<EscalationRequest> = {}): EscalationRequest => ({
    trigger: 'timeout',
    expected: { plan: 0, level: 0, round: 0 },
    by: 'system',
    next: { plan: 0, level: 1, round: 0 },
    targets: targets(['U0LEAD']),
    ...overrides,
  });

  it('pages the next level on timeout, re-arms with that level’s timeout, and records how late the timer was', () => {
    const at = new Date(minutesAfterOpen(15).getTime() + 120);
    const change = applied(decideEscalation(incident(), request(), at));
    expect(change.set).toEqual({ level: 1, round: 0, escalationDueAt: new Date(at.getTime() + 10 * 60_000) });
    expect(actions(change)).toEqual(['incident.escalated', 'incident.paged']);
    expect(change.audit[0]?.data).toMatchObject({ lateMs: 120, trigger: 'timeout' });
    expect(destinations(change)).toEqual(['incident_thread:paged', 'dm:U0LEAD:page_dm', 'alert_update:alert']);
    expect(change.notifications.filter((n) => n.event.type !== 'alert').every((n) => n.onlyWhileOpen)).toBe(true);
  });

  it('is stale when the incident has left the expected step (a manual escalation, a severity change)', () => {
    expect(decideEscalation(incident({ level: 1 }), request(), minutesAfterOpen(15))).toEqual({ ok: false, refusal: 'stale' });
    expect(decideEscalation(incident({ plan: 1 }), request(), minutesAfterOpen(15))).toEqual({ ok: false, refusal: 'stale' });
  });

  it('records a timer that lost the race to an acknowledgement as superseded, and pages no one', () => {
    const acknowledged = incident({ status: 'ACKNOWLEDGED', acknowledgedBy: 'U0ONCALL', escalationDueAt: minutesAfterOpen(15) });
    const change = applied(decideEscalation(acknowledged, request(), minutesAfterOpen(15)));
    expect(change.set).toEqual({});
    expect(actions(change)).toEqual(['incident.escalation_superseded']);
    expect(destinations(change)).toEqual(['incident_thread:superseded']);
  });

  it('stops after the last level of the last round, leaving the incident open', () => {
    const change = applied(
      decideEscalation(
        incident({ level: 1, round: 1 }),
        request({ expected: { plan: 0, level: 1, round: 1 }, next: undefined, targets: undefined }),
        minutesAfterOpen(60),
      ),
    );
    expect(change.set).toEqual({ escalationDueAt: null });
    expect(actions(change)).toEqual(['incident.escalation_exhausted']);
  });

  it('lets a person escalate an acknowledged incident without arming a timer, and their page goes out regardless', () => {
    const acknowledged = incident({ status: 'ACKNOWLEDGED', escalationDueAt: null });
    const change = applied(decideEscalation(acknowledged, request({ trigger: 'manual', by: 'U0ONCALL' }), minutesAfterOpen(5)));
    expect(change.set).toEqual({ level: 1, round: 0, escalationDueAt: null });
    expect(change.notifications.every((n) => !n.onlyWhileOpen)).toBe(true);
    expect(decideEscalation(incident(), request({ trigger: 'manual', next: undefined, targets: undefined }), minutesAfterOpen(5))).toEqual({
      ok: false,
      refusal: 'last_level',
    });
    expect(decideEscalation(incident({ status: 'RESOLVED' }), request({ trigger: 'manual' }), minutesAfterOpen(5))).toEqual({
      ok: false,
      refusal: 'resolved',
    });
  });
});

describe('decideSeverityChange', () => {
  const sev1 = {
    ...incident().policy,
    severity: 'SEV1' as const,
    respondWithinMs: 5 * 60_000,
    levels: [{ users: ['U0ONCALL'], usergroups: [], roles: [], timeoutMs: 5 * 60_000 }],
  };

  it('restarts an unacknowledged escalation under the new plan and pages its first level', () => {
    const change = applied(
      decideSeverityChange(
        incident({ level: 1 }),
        { from: 'SEV2', to: 'SEV1', by: 'U0LEAD', policy: sev1, targets: targets() },
        minutesAfterOpen(20),
      ),
    );
    expect(change.set).toMatchObject({ severity: 'SEV1', plan: 1, level: 0, round: 0, escalationDueAt: minutesAfterOpen(25) });
    expect(destinations(change)).toEqual(['incident_thread:severity_changed', 'incident_thread:paged', 'dm:U0ONCALL:page_dm', 'alert_update:alert']);
  });

  it('only records the change on an acknowledged incident', () => {
    const change = applied(
      decideSeverityChange(
        incident({ status: 'ACKNOWLEDGED' }),
        { from: 'SEV2', to: 'SEV3', by: 'U0LEAD', policy: sev1, targets: targets() },
        minutesAfterOpen(20),
      ),
    );
    expect(change.set).toMatchObject({ severity: 'SEV3', plan: 1, escalationDueAt: null });
    expect(destinations(change)).toEqual(['incident_thread:severity_changed', 'alert_update:alert']);
  });

  it.each([
    [{ severity: 'SEV3' as const }, 'stale'],
    [{ status: 'RESOLVED' as const }, 'resolved'],
  ])('refuses when the incident is %j', (overrides, refusal) => {
    expect(
      decideSeverityChange(incident(overrides), { from: 'SEV2', to: 'SEV1', by: 'U0X', policy: sev1, targets: targets() }, minutesAfterOpen(1)),
    ).toEqual({
      ok: false,
      refusal,
    });
  });
});

describe('decideResolve', () => {
  it('closes it, releases the merge key, and counts an unacknowledged incident as acknowledged when resolved', () => {
    const change = applied(decideResolve(incident(), { by: 'U0ONCALL', summary: 'rolled back' }, minutesAfterOpen(42)));
    expect(change.set).toMatchObject({
      status: 'RESOLVED',
      resolvedBy: 'U0ONCALL',
      acknowledgedBy: 'U0ONCALL',
      timeToAcknowledgeSeconds: 42 * 60,
      timeToResolveSeconds: 42 * 60,
      mergeKey: null,
      escalationDueAt: null,
    });
    expect(destinations(change)).toEqual(['incident_thread:resolved', 'incident_thread:review', 'alert_update:alert']);
  });

  it('keeps the real time to acknowledge', () => {
    const change = applied(
      decideResolve(
        incident({ status: 'ACKNOWLEDGED', acknowledgedBy: 'U0LEAD', acknowledgedAt: minutesAfterOpen(4) }),
        { by: 'U0ONCALL', summary: 'x' },
        minutesAfterOpen(30),
      ),
    );
    expect(change.set).toMatchObject({ acknowledgedBy: 'U0LEAD', timeToAcknowledgeSeconds: 240, timeToResolveSeconds: 1800 });
  });
});

describe('decideMerge', () => {
  const input = {
    service: 'checkout',
    environment: 'production',
    cause: 'rollback',
    severity: 'SEV2' as const,
    summary: 'rolled back again',
    requestKey: 'system_2',
    stakeholders: ['U0B', 'U0A'],
    thread: { channel: 'C0DEPLOYS', ts: '2.000002' },
  };

  it('counts the report, adds its thread and stakeholders once, and tells every thread', () => {
    const existing = incident({ threads: [{ channel: 'C0DEPLOYS', ts: '1.000001' }], stakeholders: ['U0A'] });
    const change = applied(decideMerge(existing, input, minutesAfterOpen(5)));
    expect(change.set).toEqual({
      occurrences: 2,
      threads: [
        { channel: 'C0DEPLOYS', ts: '1.000001' },
        { channel: 'C0DEPLOYS', ts: '2.000002' },
      ],
      stakeholders: ['U0A', 'U0B'],
    });
    expect(destinations(change)).toEqual(['incident_thread:merged', 'thread:merged', 'thread:opened', 'alert_update:alert']);
    expect(change.audit[0]?.dedupeKey).toBe('incident.merged_system_2');
  });

  it('does not add a thread it already mirrors, and refuses a resolved incident', () => {
    const existing = incident({ threads: [input.thread] });
    expect(applied(decideMerge(existing, input, minutesAfterOpen(5))).set.threads).toEqual([input.thread]);
    expect(decideMerge(incident({ status: 'RESOLVED' }), input, minutesAfterOpen(5))).toEqual({ ok: false, refusal: 'resolved' });
  });
});
