import { ConfigError } from '../config.js';

type TokenVariable = 'SLACK_APP_TOKEN' | 'SLACK_BOT_TOKEN';

const NEW_TOKEN: Record<TokenVariable, string> = {
  SLACK_APP_TOKEN: 'create a new app-level token (Basic Information → App-Level Tokens)',
  SLACK_BOT_TOKEN: 'copy the Bot User OAuth Token again (OAuth & Permissions; reinstall the app if it was revoked)',
};

/** Slack's errors that no retry mends: the token is wrong, of the wrong kind or revoked. */
const REFUSALS: Record<string, (v: TokenVariable) => string> = {
  invalid_auth: (v) => `the token is wrong or was revoked: ${NEW_TOKEN[v]}`,
  not_authed: () => 'no token reached Slack',
  not_allowed_token_type: (v) => (v === 'SLACK_APP_TOKEN' ? 'it must be an app-level token (xapp-…), not a bot or user token' : 'it must be the Bot User OAuth Token (xoxb-…)'),
  token_revoked: (v) => `the token was revoked: ${NEW_TOKEN[v]}`,
  token_expired: (v) => `the token expired: ${NEW_TOKEN[v]}`,
  missing_scope: (v) => (v === 'SLACK_APP_TOKEN' ? 'the app-level token needs the connections:write scope' : 'the token lacks a scope: reinstall the app from manifest.yml'),
  account_inactive: () => 'the app or its workspace is no longer active',
  team_disabled: () => 'the workspace is disabled',
};

/** A Web API error that no retry mends, as a ConfigError naming `variable`; null for trouble that may pass. */
export function tokenRefusal(err: unknown, variable: TokenVariable): ConfigError | null {
  const code = (err as { data?: { error?: unknown } } | undefined)?.data?.error;
  if (typeof code !== 'string' || !Object.hasOwn(REFUSALS, code)) return null;
  return new ConfigError([{ variable, message: `Slack refused it (${code}): ${REFUSALS[code]?.(variable)}` }]);
}
