import type { App } from '@slack/bolt';
import { ids } from '../src/slack/ids.ts';
import type { CommandDeps } from './command-context.ts';
import { readinessCommand } from './readiness.ts';

export type { CommandDeps } from './command-context.ts';

/** Every Slack surface the bot answers (the slash command, buttons, modals), wired in one place. */
export function registerCommands(app: App, deps: CommandDeps): void {
  app.command(ids.command, readinessCommand(deps));
}
