import type { App } from '@slack/bolt';
import { ids } from '../src/slack/ids.ts';
import { readinessCommand, type ReadinessCommandDeps } from './readiness.ts';

export type CommandDeps = ReadinessCommandDeps;

/** Every Slack surface the bot answers, wired in one place. */
export function registerCommands(app: App, deps: CommandDeps): void {
  app.command(ids.command, readinessCommand(deps));
}
