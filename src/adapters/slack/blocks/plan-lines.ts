/** The fix plan as display lines, shared by the report and the approval message: each step with its exact command. */
import type { FixStep, StepName } from '../../../core/fix-plan-types.js';
import { formatArgv, formatHttpRequest } from './format.js';
import { code, escapeText, packLines, plural } from './mrkdwn.js';
import { SLACK_LIMITS } from './slack-limits.js';

export interface PlanLine {
  step: StepName;
  description: string;
  /** The exact command (argv shell-quoted for reading) or HTTP request; null for steps vmlocks does itself. */
  command: string | null;
}

export function toPlanLines(plan: readonly FixStep[]): PlanLine[] {
  return plan.map((s) => {
    switch (s.step) {
      case 'fence':
      case 'break':
      case 'repair':
        return { step: s.step, description: s.description, command: formatArgv(s.argv) };
      case 'reboot':
      case 'evacuate':
      case 'wait':
        return { step: s.step, description: s.description, command: formatHttpRequest(s.request) };
      case 'reinspect':
      case 'confirm':
        return { step: s.step, description: s.description, command: null };
    }
  });
}

function planLineText(line: PlanLine, index: number): string {
  const head = `${index + 1}. ${escapeText(line.description)}`;
  return line.command === null ? head : `${head}\n      ${code(line.command)}`;
}

/**
 * The plan as section texts (each within Slack's 3000 characters), using at most `maxSections` sections. A plan
 * too long for that ends with how many steps are left out and where to see them all.
 */
export function planSections(lines: readonly PlanLine[], heading: string, maxSections: number, instanceId: string): string[] {
  const texts = lines.map(planLineText);
  const all = packLines([heading, ...texts], SLACK_LIMITS.sectionText);
  if (all.length <= maxSections) return all;
  // Find how many steps fit, keeping room for the closing line.
  for (let shown = texts.length - 1; shown >= 0; shown -= 1) {
    const rest = texts.length - shown;
    const tail = `…and ${plural(rest, 'more step')}: run ${code(`vmlocks inspect ${instanceId} --json`)} to see the whole plan.`;
    const packed = packLines([heading, ...texts.slice(0, shown), tail], SLACK_LIMITS.sectionText);
    if (packed.length <= maxSections) return packed;
  }
  return packLines([heading], SLACK_LIMITS.sectionText).slice(0, maxSections);
}

/** The plan's commands as mrkdwn lines for a confirmation dialog, within `max` characters (300 there). */
export function planCommandSummary(lines: readonly PlanLine[], max: number): string {
  const commands = lines.flatMap((l) => (l.command === null ? [] : [code(l.command)]));
  const shown: string[] = [];
  let used = 0;
  for (const [i, command] of commands.entries()) {
    const reserve = i === commands.length - 1 ? 0 : 30; // room for "…and N more commands"
    if (used + command.length + 1 + reserve > max) {
      shown.push(`…and ${plural(commands.length - i, 'more command')}`);
      break;
    }
    shown.push(command);
    used += command.length + 1;
  }
  return shown.join('\n');
}
