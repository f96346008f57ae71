/** Formatting of commands, durations and times for display in Slack. Pure. */
import type { HttpRequestSpec } from '../../../core/fix-plan-types.js';

// Characters that never need quoting in a POSIX shell word.
const SHELL_SAFE = /^[A-Za-z0-9_\-.,:/@%+=]+$/;

/**
 * Quotes one argv element the way a POSIX shell would need it, so that the displayed command can be read (and
 * pasted) exactly. vmlocks itself never runs a shell: the argv array is executed as is.
 */
export function shellQuote(arg: string): string {
  if (arg !== '' && SHELL_SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function formatArgv(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/** `POST /servers/<id>/action {"reboot":{"type":"HARD"}}` */
export function formatHttpRequest(request: HttpRequestSpec): string {
  const body = request.body === undefined ? '' : ` ${JSON.stringify(request.body)}`;
  return `${request.method} ${request.path}${body}`;
}

// One wording of durations and power states for Slack, the CLI and the evidence: the core's.
export { formatDuration } from '../../../core/duration.js';
export { powerStateName } from '../../../core/evidence.js';

/** Milliseconds between two ISO times, or null if either is missing or unparsable. */
export function durationBetween(startIso: string | null, endIso: string | null): number | null {
  if (startIso === null || endIso === null) return null;
  const ms = Date.parse(endIso) - Date.parse(startIso);
  return Number.isFinite(ms) ? ms : null;
}

export type SlackDateFormat = 'date_time' | 'time' | 'date_short_time';

const DATE_TOKENS: Record<SlackDateFormat, string> = {
  date_time: '{date_short_pretty} at {time_secs}',
  time: '{time_secs}',
  date_short_time: '{date_short} {time}',
};

/**
 * Slack's date formatting: `<!date^epoch^format|fallback>` shows the time in each reader's own time zone; the
 * fallback (UTC ISO) is shown where Slack cannot render it (notifications, old clients).
 */
export function slackDate(iso: string, format: SlackDateFormat = 'date_time'): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso.replace(/[<>|&]/g, '');
  const fallback = new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `<!date^${Math.floor(ms / 1000)}^${DATE_TOKENS[format]}|${fallback}>`;
}
