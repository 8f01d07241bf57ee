import type { Unavailable } from '../assessments/start-assessment.ts';
import { escapeText, truncate } from './escape.ts';

/** Every sentence Readiness says to a user about a refusal or failure, in one place. */
export const messages = {
  assessing: (service: string, environment: string) =>
    `:hourglass_flowing_sand: Assessing *${service}* in *${environment}* — the result will appear in this channel.`,
  unreadableCommand: (problems: string) =>
    `Slack sent a command I could not read (${escapeText(truncate(problems, 200))}). Please try again; if it keeps happening, tell your Readiness admins.`,
  unavailable: (dependency: Unavailable, detail: string) =>
    `:warning: Readiness is temporarily unavailable: ${dependency === 'database' ? 'its database' : 'its job queue (Redis)'} is not answering ` +
    `(${escapeText(truncate(detail, 200))}). Nothing was started; please try again in a minute.`,
  cannotPost: (slackError: string) =>
    slackError === 'not_in_channel' || slackError === 'channel_not_found'
      ? `I cannot post in this channel (${slackError}). Invite me with \`/invite @Readiness\` and run the command again.`
      : `Slack refused my message (${escapeText(slackError)}). The assessment is running, but I cannot show it here.`,
  unexpected: (reference: string) =>
    `:warning: Something went wrong on our side and nothing was changed. Reference \`${reference}\` — please try again, and tell your Readiness admins if it persists.`,
};
