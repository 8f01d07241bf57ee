import type { App } from '@slack/bolt';
import { ids } from '../src/slack/ids.ts';
import type { CommandDeps } from './command-context.ts';
import { readinessCommand } from './readiness.ts';
import { attestAction } from './actions/attest.ts';
import { deploymentControlAction, deploymentRollbackAction, gateProceedAction } from './actions/deployment.ts';
import { approveAction, noteAction, noteSubmission, requestSignoffAction } from './actions/signoff.ts';
import { registerIncidentActions } from './actions/incident-buttons.ts';
import { runAssessmentAction } from './actions/run-assessment.ts';
import { actionIdOtherThan, unknownAction } from './actions/unknown-action.ts';
import { unknownView } from './actions/unknown-view.ts';

/** Every button id a listener below answers; a click on any other is told so (unknown-action.ts). */
export const HANDLED_ACTION_IDS: readonly string[] = [
  ...Object.values(ids.actions),
  ids.incident.acknowledge,
  ids.incident.escalate,
  ids.incident.resolve,
  ids.incident.raise,
  ids.incident.lower,
];

/** Every modal a listener below answers; a submission of any other is told so (unknown-view.ts). */
export const HANDLED_VIEW_IDS: readonly string[] = [ids.views.signoffNote, ids.incident.resolveModal, ids.incident.lowerModal];

/** Every Slack surface the bot answers (the slash command, buttons, modals), wired in one place. */
export function registerCommands(app: App, deps: CommandDeps): void {
  app.command(ids.command, readinessCommand(deps));
  app.action(ids.actions.attestCheck, attestAction(deps));
  app.action(ids.actions.requestSignoff, requestSignoffAction(deps));
  app.action(ids.actions.approve, approveAction(deps));
  app.action(ids.actions.approveWithConditions, noteAction(deps, 'APPROVE_WITH_CONDITIONS'));
  app.action(ids.actions.reject, noteAction(deps, 'REJECT'));
  app.view(ids.views.signoffNote, noteSubmission(deps));
  app.action(ids.actions.deployStart, deploymentControlAction(deps, 'start'));
  app.action(ids.actions.deployCancel, deploymentControlAction(deps, 'cancel'));
  app.action(ids.actions.deployPause, deploymentControlAction(deps, 'pause'));
  app.action(ids.actions.deployResume, deploymentControlAction(deps, 'resume'));
  app.action(ids.actions.deployAbort, deploymentControlAction(deps, 'abort'));
  app.action(ids.actions.deployRollback, deploymentRollbackAction(deps));
  app.action(ids.actions.gateProceed, gateProceedAction(deps));
  app.action(ids.actions.runAssessment, runAssessmentAction(deps));
  registerIncidentActions(app, deps);
  app.action(actionIdOtherThan(HANDLED_ACTION_IDS), unknownAction());
  app.view(actionIdOtherThan(HANDLED_VIEW_IDS), unknownView());
}
