/** One step of a fix run as a line: `✓ fence — detail (1.2 s)`. */
import type { FixRunStep } from '../../../ports.js';
import type { ProgressLine } from './approval-view.js';
import { formatDuration } from './format.js';
import { code, escapeText, truncate } from './mrkdwn.js';

export const STEP_STATUS_ICON: Record<FixRunStep['status'], string> = {
  ok: '✓',
  failed: '✗',
  started: '…',
  skipped: '–',
};

const MAX_DETAIL = 300;

export function progressLineText(line: ProgressLine): string {
  const detail = line.detail === '' ? '' : ` — ${escapeText(truncate(line.detail, MAX_DETAIL))}`;
  const duration = line.durationMs === null ? '' : ` (${formatDuration(line.durationMs)})`;
  return `${STEP_STATUS_ICON[line.status]} ${code(line.step)}${detail}${duration}`;
}
