import type { WebClient } from '@slack/web-api';
import type { ReadinessConfig } from '../src/config/readiness-config.schema.ts';
import type { IncidentDeps } from '../src/incidents/incident-deps.ts';
import type { RoleDirectory } from '../src/roles/role-directory.ts';
import type { Logger } from '../src/shared/logger.ts';
import type { StatusRepository } from '../src/status/status.ports.ts';
import type { AssessmentScheduler, AssessmentRepository, IntakeScheduler } from '../src/assessments/assessment.ports.ts';
import type { SignoffRepository } from '../src/approvals/signoff.ports.ts';
import type { DeploymentRepository } from '../src/deployments/deployment.ports.ts';
import type { DigestRepository } from '../src/digests/digest.ports.ts';
import type { ReportRepository, ReportScheduler } from '../src/reports/report.ports.ts';

/**
 * The shared services the Slack edges use, as ports: `src/main` passes its runtime, which has these and more
 * (the database and Redis handles the edges must not reach).
 */
export interface CommandRuntime {
  settings: { config: ReadinessConfig; logger: Logger };
  assessments: AssessmentRepository;
  /** Finds assessments by the id people type, and records the reports posted into threads. */
  reports: ReportRepository;
  signoffs: SignoffRepository;
  deployments: DeploymentRepository;
  /** Read-only: the latest assessment of a target and a service's audit trail. */
  status: StatusRepository;
  incidents: IncidentDeps;
  digests: DigestRepository;
  /** Who belongs to which role of readiness.yaml. */
  roles: RoleDirectory;
  queues: { scheduler: AssessmentScheduler; intakeScheduler: IntakeScheduler; reportScheduler: ReportScheduler };
  /** Web API client for work done after the ack. */
  slack: WebClient;
}
