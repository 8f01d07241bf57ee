import type { IncidentView } from '../../../src/incidents/incident.types.ts';

export const OPENED_AT = new Date('2025-03-04T10:00:00.000Z');

/** An open SEV2 incident at level 1 of a two-level path. */
export function incident(overrides: Partial<IncidentView> = {}): IncidentView {
  return {
    id: '7c1e4d2a-5b6f-4a8e-9c0d-1e2f3a4b5c6d',
    number: 42,
    title: 'Checkout answers 500s',
    severity: 'SEV2',
    status: 'OPEN',
    kind: 'high-error-rate',
    service: 'checkout',
    environment: 'production',
    cause: null,
    openedBy: 'U0REPORTER',
    summary: null,
    evidence: null,
    runbookUrl: 'https://runbooks.example.com/errors',
    channelId: 'C0INCIDENTS',
    messageTs: '1741082400.000100',
    threads: [],
    stakeholders: [],
    occurrences: 1,
    policy: {
      severity: 'SEV2',
      description: 'major degradation (>50%), several features broken',
      respondWithinMs: 15 * 60_000,
      repeat: 1,
      levels: [
        { users: ['U0ONCALL'], usergroups: [], roles: [], timeoutMs: 15 * 60_000 },
        { users: [], usergroups: ['S0LEADS'], roles: [], timeoutMs: 10 * 60_000 },
      ],
    },
    plan: 0,
    level: 0,
    round: 0,
    escalationDueAt: new Date(OPENED_AT.getTime() + 15 * 60_000),
    acknowledgedBy: null,
    acknowledgedAt: null,
    resolvedBy: null,
    resolvedAt: null,
    resolutionSummary: null,
    timeToAcknowledgeSeconds: null,
    timeToResolveSeconds: null,
    createdAt: OPENED_AT,
    ...overrides,
  };
}

export const targets = (users: string[] = ['U0ONCALL']) => ({ users, usergroups: [], dmUsers: users, missingRoles: [], lookupFailures: [] });

export const minutesAfterOpen = (minutes: number) => new Date(OPENED_AT.getTime() + minutes * 60_000);
