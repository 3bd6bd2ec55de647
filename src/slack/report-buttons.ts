import { catalogFor, type Lang } from '../i18n/index.js';
import type { SlackButton } from '../render/block-kit.js';
import { encodeButtonValue, MAX_BUTTON_COMMAND } from './button-value.js';
import { ACTION_IDS } from './slack-constants.js';

/** The buttons under every report: each carries only the command line to re-run and the language. */
export function reportButtons(canonical: string, lang: Lang): SlackButton[] {
  const t = catalogFor(lang);
  const other: Lang = lang === 'en' ? 'fa' : 'en';
  const buttons: (SlackButton & { command: string })[] = [
    { actionId: ACTION_IDS.refresh, text: t.slack.buttonRefresh, command: canonical, value: encodeButtonValue({ command: canonical, lang }), style: 'primary' },
    { actionId: ACTION_IDS.showIdle, text: t.slack.buttonIdle, command: 'idle', value: encodeButtonValue({ command: 'idle', lang }) },
    { actionId: ACTION_IDS.showInstances, text: t.slack.buttonInstances, command: 'instances', value: encodeButtonValue({ command: 'instances', lang }) },
    { actionId: ACTION_IDS.switchLanguage, text: t.slack.buttonSwitchLanguage, command: canonical, value: encodeButtonValue({ command: canonical, lang: other }) },
  ];
  return buttons.filter((b) => b.command.length <= MAX_BUTTON_COMMAND).map(({ command: _command, ...b }) => b);
}

/** The fix's buttons first, the first of them the primary one; Refresh and the views after them, plain. */
export function fixFirst(fixes: SlackButton[], others: SlackButton[]): SlackButton[] {
  if (fixes.length === 0) return others;
  const [first, ...rest] = fixes;
  return [{ ...first!, style: 'primary' }, ...rest, ...others.map(({ style: _style, ...b }) => b)];
}
