import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../serve-request.js';
import { SLASH_COMMAND } from '../../slack-constants.js';
import { withOneCatch } from '../answer-failure.js';
import { handleDbpoolCommand } from './dbpool-command.js';

export function registerCommands(app: App, deps: SlackDeps, track: <T>(work: Promise<T>) => Promise<T>): void {
  app.command(SLASH_COMMAND, (args) =>
    track(withOneCatch(args, deps, { user: args.command.user_id, channel: args.command.channel_id, text: args.command.text?.slice(0, 200) }, handleDbpoolCommand)),
  );
}
