import type { AssessmentView, NewAssessment } from '../src/assessments/assessment.types.ts';
import { startAssessment } from '../src/assessments/start-assessment.ts';
import { publishAssessmentMessage } from '../src/slack/assessment-message.publisher.ts';
import { chatPort } from '../src/slack/chat-port.ts';
import { messages } from '../src/slack/messages.ts';
import { classifySlackError } from '../src/slack/slack-errors.ts';
import { errorFields } from '../src/shared/logger.ts';
import { errorHeadline } from '../src/shared/text.ts';
import { withTimeout } from '../src/shared/timeout.ts';
import { ephemeral, type CommandContext, type CommandDeps } from './command-context.ts';

/**
 * The longest the intake job's add may hold up the ack. It takes a millisecond or two; a Redis that accepted the
 * connection but does not answer must not cost the user Slack's 3 s.
 * @defaultValue 1000
 */
export const INTAKE_ADD_TIMEOUT_MS = 1000;

/**
 * Before the ack: the intake job that records and posts the assessment if this process dies after acking. A run is
 * not written to the request inbox (it is the hot path of a burst), so this job is its only durable record: when it
 * cannot be stored (Redis away, or not answering within the bound) the run is refused at the ack rather than
 * acknowledged on the strength of this process alone. Returns why it could not be stored, or undefined.
 */
async function armIntake(deps: CommandDeps, request: NewAssessment): Promise<string | undefined> {
  try {
    await withTimeout(deps.runtime.queues.intakeScheduler.enqueueIntake(request, deps.intakeDelayMs), INTAKE_ADD_TIMEOUT_MS);
    return undefined;
  } catch (error) {
    deps.runtime.settings.logger.warn('could not queue the intake job of a run; refused it', {
      service: request.service,
      environment: request.environment,
      ...errorFields(error),
    });
    return errorHeadline(error);
  }
}

/**
 * The user is told nothing was started, or that the message cannot be shown: the intake must not do it later, in
 * whichever order its add and this refusal reach Redis (IntakeScheduler.refuseIntake). The wait is bounded so a
 * Redis that does not answer cannot hold the command; the refusal's commands stay on the connection behind the add.
 */
async function refuseIntake(deps: CommandDeps, requestKey: string): Promise<void> {
  await withTimeout(deps.runtime.queues.intakeScheduler.refuseIntake(requestKey), INTAKE_ADD_TIMEOUT_MS).catch((error: unknown) =>
    deps.runtime.settings.logger.warn('could not refuse the intake job of a run the person was told did not start', errorFields(error)),
  );
}

/**
 * After the ack: record and enqueue; tell the user if that cannot happen. Returns the assessment when this call
 * recorded it, so its message is this call's to post.
 */
async function start(deps: CommandDeps, request: NewAssessment, ctx: CommandContext): Promise<AssessmentView | undefined> {
  const { runtime } = deps;
  const started = await startAssessment(
    { config: runtime.settings.config, assessments: runtime.assessments, scheduler: runtime.queues.scheduler, now: deps.now },
    request,
  );
  if (!started.ok) {
    const text = started.reason === 'unavailable' ? messages.unavailable(started.dependency, started.detail) : messages.unexpected(started.detail);
    await refuseIntake(deps, request.requestKey);
    await ctx.respond(ephemeral(text));
    return undefined;
  }
  // Recorded first by the intake job (this command waited in the limiter past its delay): the intake posts it.
  return started.created ? started.assessment : undefined;
}

/** Posts the assessment's first message; tells the user when Slack refuses it. */
async function publish(deps: CommandDeps, assessment: AssessmentView, request: NewAssessment, ctx: CommandContext): Promise<void> {
  const { runtime } = deps;
  try {
    const published = await publishAssessmentMessage(
      { assessments: runtime.assessments, scheduler: runtime.queues.scheduler, chat: chatPort(runtime.slack), now: deps.now },
      assessment,
    );
    // Recorded, queued and posted: the intake job has nothing left to do. Removed so that 30 s after a burst the
    // workers do not look up 200 finished assessments (a failure to remove only leaves it to find that out).
    if (published.outcome === 'posted')
      await withTimeout(deps.runtime.queues.intakeScheduler.removeIntake(request.requestKey), INTAKE_ADD_TIMEOUT_MS).catch(() => false);
  } catch (error) {
    // Anything but a refusal is left to the intake job, which posts the message when its delay is up.
    const failure = classifySlackError(error);
    if (failure.kind !== 'permanent') throw error;
    await refuseIntake(deps, request.requestKey);
    await ctx.respond(ephemeral(messages.cannotPost(failure.error)));
  }
}

/**
 * `/readiness run <service> <environment>`: arm the intake job (refusing the run if it cannot be stored), ack at once, then start the assessment and post its
 * message. Should this process die after the ack, the intake job does the rest in a worker.
 */
export async function handleRun(deps: CommandDeps, ctx: CommandContext, target: { service: string; environment: string }): Promise<void> {
  const { payload } = ctx;
  const request: NewAssessment = {
    requestKey: payload.trigger_id,
    service: target.service,
    environment: target.environment,
    requestedBy: payload.user_id,
    teamId: payload.team_id ?? null,
    channelId: payload.channel_id,
  };
  const notStored = await armIntake(deps, request);
  if (notStored !== undefined) {
    // Nothing durable exists for this run: say so now, and start nothing this process could lose. An add that timed
    // out may still be waiting to go, or be on its way: the refusal takes it back or marks the run so the intake job
    // does nothing. Started before the ack and awaited after it (the ack must not wait on a Redis that is not
    // answering), so the time in which this process could die having told the person but not yet marked is minimal.
    const refused = refuseIntake(deps, request.requestKey);
    await ctx.ack(messages.unavailable('queue', notStored));
    await refused;
    return;
  }
  await ctx.ack(messages.assessing(target.service, target.environment));
  // Two bounds: a burst's later commands are recorded and their checks started while earlier messages are still
  // being posted (the verdict waits on the first, only the message on the second). The first is wide: the commands
  // of a burst are recorded together, in a few grouped transactions and flow adds.
  const started = await deps.startAfterAck(() => start(deps, request, ctx));
  if (started) await deps.postAfterAck(() => publish(deps, started, request, ctx));
}
