import { describe, expect, it } from 'vitest';
import type { DeploymentAlert, DeploymentAnnouncement } from '../../../src/deployments/deployment-effects.ts';
import type { DeploymentView } from '../../../src/deployments/deployment.types.ts';
import { announcementIntent, deploymentMessages } from '../../../src/slack/deployment-messages.ts';

const deployment = { service: 'checkout', environment: 'prod', version: '1.4.2' } as DeploymentView;

// The words the release thread has always shown; the domain now only says what happened.
const announcements: [DeploymentAnnouncement, string][] = [
  [
    { kind: 'aborted', by: 'U0ALICE', phaseIndex: 1 },
    ':octagonal_sign: Deployment aborted by <@U0ALICE> during phase 2. Tasks already running finish; nothing further starts. Roll back with the button or `/readiness rollback` if needed.',
  ],
  [
    { kind: 'failed', reason: 'phase smoke failed: notify — answered 500', phaseName: 'smoke' },
    ':x: *Deployment failed* in phase smoke: phase smoke failed: notify — answered 500. Roll back with the button or `/readiness rollback`.',
  ],
  [
    { kind: 'failed', reason: 'the phase job failed for good: boom' },
    ':x: *Deployment failed*: the phase job failed for good: boom. Roll back with the button or `/readiness rollback`.',
  ],
  [{ kind: 'succeeded' }, ':white_check_mark: *Deployed* checkout 1.4.2 to prod.'],
  [
    { kind: 'paused_after_outage', cause: 'the database did not answer for 75 s', pause: 41 },
    ':double_vertical_bar: *Paused by Readiness*: the database did not answer for 75 s, longer than it keeps a deployment going unwatched. Nothing failed and nothing was rolled back; the phase under way finishes and the next one waits. Resume to carry on, or roll back.',
  ],
  [
    { kind: 'rollback_started', by: 'system', reason: 'verification failed: smoke' },
    ':rewind: Rolling back automatically: verification failed: smoke',
  ],
  [{ kind: 'rollback_started', by: 'U0BOB', reason: 'manual rollback' }, ':rewind: Rolling back by <@U0BOB>: manual rollback'],
  [{ kind: 'rollback_finished', ok: true, message: 'rolled back' }, ':white_check_mark: Rollback finished: rolled back.'],
  [
    { kind: 'rollback_finished', ok: false, message: 'rollback task undo (HTTP 500) failed' },
    ':x: *Rollback failed*: rollback task undo (HTTP 500) failed.',
  ],
];

describe('deployment announcements', () => {
  it.each(announcements)('%o reads as before', (announcement, text) => {
    expect(deploymentMessages.announcement(deployment, announcement)).toBe(text);
  });

  it('says "Deployed" with an empty version when none was given', () => {
    expect(deploymentMessages.announcement({ ...deployment, version: null }, { kind: 'succeeded' })).toBe(
      ':white_check_mark: *Deployed* checkout  to prod.',
    );
  });

  it('alerts the channel about an overrunning rollback with its maxDuration', () => {
    const alert: DeploymentAlert = { kind: 'rollback_overrun', maxDurationMs: 600_000 };
    expect(deploymentMessages.alert(deployment, alert)).toBe(
      ':rotating_light: The rollback of *checkout* in *prod* is still running after 10m (its maxDuration). Someone should look now.',
    );
  });

  it('asks the gate role to proceed, escaping the task name and prompt', () => {
    expect(deploymentMessages.gateWaiting('<@U0QA>', 'QA <approval>', 'check & confirm')).toBe(
      ':raised_hand: <@U0QA> — the deployment waits for you at *QA &lt;approval&gt;*: check &amp; confirm. Click *Proceed* on the deployment message, or Abort.',
    );
    expect(deploymentMessages.gateWaiting('<@U0QA>', 'approval', undefined)).toBe(
      ':raised_hand: <@U0QA> — the deployment waits for you at *approval*. Click *Proceed* on the deployment message, or Abort.',
    );
  });

  it('escapes what people and workers wrote (a rollback reason, a failure, a version), so it cannot mention or link', () => {
    const hostile = '<!channel> see <https://evil.example|docs> & more';
    const escaped = '&lt;!channel&gt; see &lt;https://evil.example|docs&gt; &amp; more';
    expect(deploymentMessages.announcement(deployment, { kind: 'rollback_started', by: 'U0BOB', reason: hostile })).toBe(
      `:rewind: Rolling back by <@U0BOB>: ${escaped}`,
    );
    expect(deploymentMessages.announcement(deployment, { kind: 'failed', reason: hostile })).toContain(`*Deployment failed*: ${escaped}.`);
    expect(deploymentMessages.announcement(deployment, { kind: 'rollback_finished', ok: false, message: hostile })).toBe(
      `:x: *Rollback failed*: ${escaped}.`,
    );
    expect(deploymentMessages.announcement({ ...deployment, version: '<!here>' }, { kind: 'succeeded' })).toBe(
      ':white_check_mark: *Deployed* checkout &lt;!here&gt; to prod.',
    );
  });

  it('a pause after an outage has an intent per pause (it can happen again after Resume); the other kinds one each', () => {
    const first = announcementIntent('d1', { kind: 'paused_after_outage', cause: 'x', pause: 41 });
    const second = announcementIntent('d1', { kind: 'paused_after_outage', cause: 'x', pause: 57 });
    expect(first).toBe('deployment:d1:paused_after_outage:41');
    expect(second).not.toBe(first);
    expect(announcementIntent('d1', { kind: 'succeeded' })).toBe('deployment:d1:succeeded');
    expect(announcementIntent('d1', { kind: 'failed', reason: 'a' })).toBe(announcementIntent('d1', { kind: 'failed', reason: 'b' }));
  });
});
