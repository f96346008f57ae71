/**
 * What a `/vmlocks` report must show, checked on the message the bot posted to the response_url: the verdict word,
 * the lock (locker and address), the evidence sentences that decide it, and exactly the buttons the verdict allows
 * (Request fix only for stale, Check again only for unknown). Values are compared as Slack shows them: code spans,
 * mrkdwn-escaped.
 */
import { expect } from 'vitest';
import { blocksTextOf, buttonsOf, messageTextOf, type SlashAnswer } from './diagnosis-slack.js';
import type { InspectContract } from './diagnosis-cli.js';

export type ReportVerdict = 'stale' | 'alive' | 'unknown' | 'unlocked';

export const REQUEST_FIX = 'vmlocks.request_fix';
export const CHECK_AGAIN = 'vmlocks.check_again';

const BUTTONS: Record<ReportVerdict, string[]> = {
  stale: [REQUEST_FIX],
  unknown: [CHECK_AGAIN],
  alive: [],
  unlocked: [],
};

export interface ExpectedReport {
  verdict: ReportVerdict;
  /** The instance's name, which the summary line starts with. */
  name: string;
  /** The lock the report must name. */
  lock?: { locker: string; address: string; id?: string };
  /** Sentences (or parts) that must appear in the message, e.g. the decisive evidence. */
  says?: Array<string | RegExp>;
  /** Sentences that must not appear. */
  neverSays?: Array<string | RegExp>;
}

function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Checks a report posted in the channel; returns the blocks' text for further checks. */
export function expectSlackReport(answer: SlashAnswer, want: ExpectedReport): string {
  const body = answer.answer.body;
  expect(answer.answer.status).toBe(200);
  expect(body.response_type).toBe('in_channel');
  expect(messageTextOf(body)).toMatch(new RegExp(`^${want.verdict.toUpperCase()}: `));
  const text = blocksTextOf(body);
  expect(text).toContain(`*${want.verdict.toUpperCase()}* — \`${escapeMrkdwn(want.name)}\`: `);
  if (want.lock) {
    const lockLine = `held by \`${want.lock.locker}\` at \`${want.lock.address}\` — *${want.verdict}*`;
    expect(text).toContain(want.lock.id === undefined ? lockLine : `Lock \`${want.lock.id}\` ${lockLine}`);
  }
  for (const s of want.says ?? []) {
    if (typeof s === 'string') expect(text).toContain(escapeMrkdwn(s));
    else expect(text).toMatch(s);
  }
  for (const s of want.neverSays ?? []) {
    if (typeof s === 'string') expect(text).not.toContain(escapeMrkdwn(s));
    else expect(text).not.toMatch(s);
  }
  expect(buttonsOf(body).map((b) => b.actionId)).toEqual(BUTTONS[want.verdict]);
  return text;
}

/**
 * The plan of a stale report, as the steps' names in order (a repair step only for an invalid object map; the
 * restart from the host's state: reboot into an up host, evacuate from a down one with no watcher left).
 */
export function expectedPlanSteps(report: InspectContract, fenced: number): string[] {
  const hostDown = report.instance.hostState === 'down' || report.instance.hostState === 'forced_down';
  const watched = report.disks.some((d) => d.watchers.length > 0);
  const restart = !hostDown ? ['reboot', 'wait'] : watched ? [] : ['evacuate', 'wait'];
  const repairs = report.disks.filter((d) => d.objectMapInvalid && !d.locks.some((l) => l.verdict === 'alive')).length;
  const breaks = report.disks.flatMap((d) => d.locks).filter((l) => l.verdict === 'stale').length;
  return [
    'reinspect', ...Array<string>(fenced).fill('fence'), ...Array<string>(breaks).fill('break'),
    ...Array<string>(repairs).fill('repair'), ...restart, 'confirm',
  ];
}
