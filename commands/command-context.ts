import type { SlackCommandMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { ApprovalServices } from '../src/approvals/approval-services.ts';
import type { DeploymentServices } from '../src/deployments/deployment-services.ts';
import type { Limiter } from '../src/shared/limiter.ts';
import type { CommandRuntime } from './command-runtime.ts';

export const SlashCommandPayload = z.object({
  text: z.string().default(''),
  user_id: z.string().regex(/^[UW][A-Z0-9]+$/),
  channel_id: z.string().regex(/^[CDG][A-Z0-9]+$/),
  team_id: z.string().optional(),
  trigger_id: z.string().min(1),
});
export type SlashCommandPayload = z.infer<typeof SlashCommandPayload>;

/** What every Slack edge (slash subcommands, buttons, modals) is given. */
export interface CommandDeps {
  runtime: CommandRuntime;
  approvals: ApprovalServices;
  deployments: DeploymentServices;
  /** Bounds the work that follows acks, so a burst of commands never delays the acks themselves. */
  afterAck: Limiter;
  /**
   * Bounds the recording and enqueueing of `/readiness run`s after acks, apart from `afterAck` and wider: the
   * assessment store and the flow queue group the requests in flight into a few transactions, so a burst is
   * recorded in a handful of round trips only if its commands are in flight together.
   */
  startAfterAck: Limiter;
  /** Bounds the posting of first messages after acks, apart from `afterAck`, so posts never hold up the recording. */
  postAfterAck: Limiter;
  /** How long after the ack a `/readiness run`'s intake job runs (see INTAKE_DELAY_MS). */
  intakeDelayMs: number;
  now: () => Date;
}

export type Respond = SlackCommandMiddlewareArgs['respond'];

/** One slash subcommand after parsing: it must ack within Slack's 3 s and hand slow work to `afterAck`. */
export interface CommandContext {
  payload: SlashCommandPayload;
  /** Acknowledges with an ephemeral reply to the user who typed the command. */
  ack: (text: string) => Promise<void>;
  respond: Respond;
}

export const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, text });
