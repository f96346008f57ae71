/** The short messages: help, usage error, rate limit, generic error, progress notes. Pure. */
import { context, section, type SlackMessage } from './block-kit.js';
import { code, escapeText, truncate, truncateMrkdwn } from './mrkdwn.js';
import { SLACK_LIMITS } from './slack-limits.js';
import { formatDuration } from './format.js';

function one(text: string): SlackMessage {
  const t = truncateMrkdwn(text, SLACK_LIMITS.sectionText);
  return { text: t, blocks: [section(t)] };
}

export function buildHelpMessage(): SlackMessage {
  return {
    text: 'vmlocks: /vmlocks <instance name or UUID> diagnoses the Ceph RBD locks of an instance; /vmlocks help shows this.',
    blocks: [
      section('*vmlocks* finds Ceph RBD locks left behind by a dead compute node and, after a second engineer approves, removes them safely.'),
      section([
        '*Commands*',
        `• ${code('/vmlocks <instance name or UUID>')} — diagnose the instance's disks; the answer is posted in the channel.`,
        `• ${code('/vmlocks help')} — this message.`,
        `• ${code('/vmlocks host <compute-host>')} — every instance of a host that lost power, worst first, with a Request fix button for each stale one.`,
      ].join('\n')),
      section([
        '*Verdicts*',
        '• *STALE* — the lock owner is dead (no watcher has its address) and something confirms it: you may request a fix.',
        '• *ALIVE* — a live client holds the lock. Never removed: two writers would corrupt the disk.',
        '• *UNKNOWN* — the owner looks gone but nothing confirms it yet (a watch expires after about 30 s): check again.',
        '• *UNLOCKED* — no lock to remove.',
      ].join('\n')),
      context('A fix fences the dead client (OSD blocklist), removes its lock, rebuilds an invalid object map and hard-reboots the instance, each step audited.'),
    ],
  };
}

/** For bad input: what was wrong and how to call the command. */
export function buildUsageMessage(problem: string, usage = '/vmlocks <instance name or UUID>'): SlackMessage {
  return one(`:warning: ${escapeText(truncate(problem, 300))}. Usage: ${code(usage)} or ${code('/vmlocks help')}.`);
}

/** Over the per-user command limit (`limit`: the configured count per window, when the caller knows it). */
export function buildRateLimitMessage(retryAfterMs: number, limit?: { count: number; windowMs: number }): SlackMessage {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const ran = limit === undefined ? 'You have run too many commands' : `You have run ${limit.count} commands in the last ${limit.windowMs === 60_000 ? 'minute' : formatDuration(limit.windowMs)}`;
  return one(`:hourglass: ${ran}; try again in ${seconds} s.`);
}

/** An unexpected failure: the user gets the reference that is in the log line. `action` is mrkdwn, e.g. "check `vm-1`". */
export function buildErrorMessage(action: string, ref: string): SlackMessage {
  return one(`:x: Could not ${action} (ref ${escapeText(ref)}). Nothing was changed.`);
}

/** An error that carries its own message for users (`userMessage`), shown as is (escaped). */
export function buildUserErrorMessage(userMessage: string): SlackMessage {
  return one(`:x: ${escapeText(truncate(userMessage, 2000))}`);
}

/** Said at once, before the (slower) inspection. */
export function buildCheckingMessage(what: string): SlackMessage {
  return one(`:mag: Checking ${code(truncate(what, 255))}…`);
}

/** A refusal or other expected outcome, said to the one user who clicked. */
export function buildNoticeMessage(text: string): SlackMessage {
  return one(text);
}
