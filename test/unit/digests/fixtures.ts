import type { DigestScope } from '../../../src/digests/build-digest.ts';
import type { DigestAssessment, DigestData, DigestDeployment, DigestIncident } from '../../../src/digests/digest.types.ts';

export const FROM = new Date('2026-11-30T09:00:00Z');
export const TO = new Date('2026-12-01T09:00:00Z');
export const at = (hours: number) => new Date(FROM.getTime() + hours * 3600_000);

export const scope = (overrides: Partial<DigestScope> = {}): DigestScope => ({
  name: 'daily',
  title: 'Daily readiness',
  period: { from: FROM, to: TO },
  targets: [
    { service: 'checkout', environment: 'production' },
    { service: 'checkout', environment: 'staging' },
    { service: 'ledger', environment: 'production' },
  ],
  includeUnscopedIncidents: true,
  ...overrides,
});

let counter = 0;
const id = () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;

export const assessment = (overrides: Partial<DigestAssessment> = {}): DigestAssessment => ({
  id: id(),
  service: 'checkout',
  environment: 'production',
  status: 'COMPLETED',
  verdict: 'GO',
  score: 97.5,
  finishedAt: at(1),
  ...overrides,
});

export const deployment = (overrides: Partial<DigestDeployment> = {}): DigestDeployment => ({
  id: id(),
  service: 'checkout',
  environment: 'production',
  version: 'v1.4.0',
  status: 'SUCCEEDED',
  createdAt: at(2),
  finishedAt: at(2.5),
  ...overrides,
});

export const incident = (overrides: Partial<DigestIncident> = {}): DigestIncident => ({
  number: ++counter,
  severity: 'SEV2',
  status: 'OPEN',
  title: 'Checkout errors',
  service: 'checkout',
  environment: 'production',
  createdAt: at(3),
  timeToAcknowledgeSeconds: null,
  timeToResolveSeconds: null,
  ...overrides,
});

export const emptyData = (overrides: Partial<DigestData> = {}): DigestData => ({
  assessments: [],
  before: [],
  checkFailures: [],
  deployments: [],
  incidentsOpened: [],
  incidentsOpen: [],
  pendingSignoffs: [],
  ...overrides,
});
