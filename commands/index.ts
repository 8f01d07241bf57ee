import type { App } from '@slack/bolt';
import { ids } from '../src/slack/ids.ts';
import type { CommandDeps } from './command-context.ts';
import { readinessCommand } from './readiness.ts';
import { attestAction } from './actions/attest.ts';
import { deploymentControlAction, deploymentRollbackAction, gateProceedAction } from './actions/deployment.ts';
import { approveAction, noteAction, noteSubmission, requestSignoffAction } from './actions/signoff.ts';
import { registerIncidentActions } from './actions/incident-buttons.ts';
import { runAssessmentAction } from './actions/run-assessment.ts';
import { unknownAction } from './actions/unknown-action.ts';
import { unknownView } from './actions/unknown-view.ts';
import { mountInteractionListeners } from './interaction-listeners.ts';

/** Every Slack surface the bot answers (the slash command, buttons, modals), wired in one place. */
/** Returns the button and modal ids that have a listener. */
export function registerCommands(app: App, deps: CommandDeps): { actionIds: readonly string[]; viewIds: readonly string[] } {
  app.command(ids.command, readinessCommand(deps));
  // One Bolt listener for all buttons and one for all modals (see interaction-listeners.ts): Bolt runs every
  // listener's chain for every request, slash commands included.
  return mountInteractionListeners(app, { action: unknownAction(), view: unknownView() }, (on) => {
    on.action(ids.actions.attestCheck, attestAction(deps));
    on.action(ids.actions.requestSignoff, requestSignoffAction(deps));
    on.action(ids.actions.approve, approveAction(deps));
    on.action(ids.actions.approveWithConditions, noteAction(deps, 'APPROVE_WITH_CONDITIONS'));
    on.action(ids.actions.reject, noteAction(deps, 'REJECT'));
    on.view(ids.views.signoffNote, noteSubmission(deps));
    on.action(ids.actions.deployStart, deploymentControlAction(deps, 'start'));
    on.action(ids.actions.deployCancel, deploymentControlAction(deps, 'cancel'));
    on.action(ids.actions.deployPause, deploymentControlAction(deps, 'pause'));
    on.action(ids.actions.deployResume, deploymentControlAction(deps, 'resume'));
    on.action(ids.actions.deployAbort, deploymentControlAction(deps, 'abort'));
    on.action(ids.actions.deployRollback, deploymentRollbackAction(deps));
    on.action(ids.actions.gateProceed, gateProceedAction(deps));
    on.action(ids.actions.runAssessment, runAssessmentAction(deps));
    registerIncidentActions(on, deps);
  });
}
