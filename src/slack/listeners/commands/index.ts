import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../serve-request.js';
import { SLASH_COMMAND } from '../../slack-constants.js';
import { handleDbpoolCommand } from './dbpool-command.js';

export function registerCommands(app: App, deps: SlackDeps): void {
  app.command(SLASH_COMMAND, (args) => handleDbpoolCommand(args, deps));
}
