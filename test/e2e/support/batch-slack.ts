/**
 * The host batch's side of the end-to-end tests: `/vmlocks host <h>`, a click on "Request fix for all N stale", the
 * batch approval message (read back from the recorded chat.postMessage, with its Approve button's value and its
 * thread), and polling the bot's database until the batch reaches a state.
 */
import { z } from 'zod';
import { ACTION_IDS } from '../../../src/adapters/slack/action-ids.js';
import type { Store } from '../../../src/adapters/store/index.js';
import type { BatchState, HostBatch } from '../../../src/core/host-batch.js';
import type { RecordedCall, RecordedResponse } from '../../support/fake-slack-api.js';
import { answerTo, buttonValue, click, runVmlocks, textOf, type SlackSide } from './fix-slack.js';

export interface BatchApproval {
  batchId: string;
  channel: string;
  ts: string;
  approveValue: string;
  denyValue: string;
  /** The Approve button's confirm dialog title ("Fix 6 instances on compute-1?"). */
  confirmTitle: string;
  call: RecordedCall;
}

const ConfirmTitle = z.object({ confirm: z.object({ title: z.object({ text: z.string() }) }) });

function approveConfirmTitle(blocks: unknown): string {
  for (const b of Array.isArray(blocks) ? blocks : []) {
    const parsed = z.object({ type: z.literal('actions'), elements: z.array(z.unknown()) }).safeParse(b);
    if (!parsed.success) continue;
    for (const e of parsed.data.elements) {
      const button = z.object({ action_id: z.literal(ACTION_IDS.approveBatch) }).and(ConfirmTitle).safeParse(e);
      if (button.success) return button.data.confirm.title.text;
    }
  }
  return '';
}

export async function batchApprovalOf(s: SlackSide, batchId: string, timeoutMs = 30_000): Promise<BatchApproval> {
  const value = JSON.stringify({ batchId });
  const call = await s.slack.waitForCall((c) => c.method === 'chat.postMessage' && buttonValue(c.args.blocks, ACTION_IDS.approveBatch) === value, timeoutMs);
  const where = z.object({ channel: z.string(), ts: z.string() }).parse(call.response);
  const denyValue = buttonValue(call.args.blocks, ACTION_IDS.denyBatch);
  if (denyValue === null) throw new Error(`batch approval message of ${batchId} without Deny`);
  return { batchId, channel: where.channel, ts: where.ts, approveValue: value, denyValue, confirmTitle: approveConfirmTitle(call.args.blocks), call };
}

/** `/vmlocks host <host>` as `user`, then "Request fix for all N stale": the requester's answer and the view. */
export async function clickRequestBatch(s: SlackSide, user: string, host: string): Promise<{ view: RecordedResponse; answer: RecordedResponse; batchId: string | null }> {
  const view = await runVmlocks(s, user, `host ${host}`);
  const value = buttonValue(view.body.blocks, ACTION_IDS.requestBatch);
  if (value === null) throw new Error(`the host view of ${host} has no batch button:\n${textOf(view.body)}`);
  const responseId = await click(s, { actionId: ACTION_IDS.requestBatch, value, user });
  const answer = await answerTo(s, responseId, 120_000);
  return { view, answer, batchId: /hb-[0-9a-f]{10}/.exec(textOf(answer.body))?.[0] ?? null };
}

export async function waitForBatch(store: Store, batchId: string, states: BatchState[], timeoutMs = 240_000): Promise<HostBatch> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const b = await store.getBatch(batchId);
    if (b !== null && states.includes(b.state)) return b;
    if (Date.now() > end) throw new Error(`batch ${batchId} not ${states.join('/')} within ${timeoutMs} ms: ${b === null ? 'missing' : `${b.state}: ${JSON.stringify(b.items.map((i) => [i.instanceName, i.status, i.reason]))}`}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
