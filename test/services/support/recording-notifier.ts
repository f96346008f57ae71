/**
 * The Notifier port recorded in memory. The approval message is "posted" at once (its channel/ts handed back)
 * unless the test holds the answer (`holdApprovalAnswer`), as Slack's HTTP answer can arrive after the message is
 * already visible and clicked. `updateApprovalMessage` records the reference it would have used, null when none.
 */
import type { FixRequest, SlackMessageRef } from '../../../src/core/fix-request.js';
import type { FixRunStep, IncidentEvent, Notifier } from '../../../src/ports.js';
import { plainSentence, type Sentence } from '../../../src/core/sentence.js';

export interface RecordedUpdate {
  ref: SlackMessageRef | null;
  state: FixRequest['state'];
  outcome: string | null;
  steps: FixRunStep[];
}

export class RecordingNotifier implements Notifier {
  readonly events: IncidentEvent[] = [];
  readonly updates: RecordedUpdate[] = [];
  readonly posted: FixRequest[] = [];
  readonly told: Array<{ userId: string; text: string }> = [];
  private seq = 0;
  private hold: Promise<void> | null = null;
  /** Resolves when the next approval message has been posted (before its answer is released). */
  private onPosted: (() => void) | null = null;

  /** The next postApprovalMessage posts, then waits for `release()` before answering; resolves once posted. */
  holdApprovalAnswer(): { posted: Promise<void>; release: () => void } {
    let release = (): void => undefined;
    this.hold = new Promise((r) => { release = r; });
    const posted = new Promise<void>((r) => { this.onPosted = r; });
    return { posted, release };
  }

  async notify(event: IncidentEvent): Promise<void> {
    this.events.push(event);
  }

  async updateApprovalMessage(request: FixRequest, progress?: FixRunStep[]): Promise<void> {
    this.updates.push({ ref: request.approvalMessage, state: request.state, outcome: request.outcome, steps: progress ?? [] });
  }

  async postApprovalMessage(request: FixRequest): Promise<SlackMessageRef> {
    this.posted.push(request);
    const ref = { channel: 'C0INCIDENT', ts: `1700000000.${String(++this.seq).padStart(6, '0')}` };
    const hold = this.hold;
    this.hold = null;
    this.onPosted?.();
    this.onPosted = null;
    if (hold) await hold;
    return ref;
  }

  async tellUser(userId: string, text: Sentence): Promise<void> {
    this.told.push({ userId, text: plainSentence(text) });
  }

  /** The last update that reached a message (had a reference). */
  lastDelivered(): RecordedUpdate | undefined {
    return this.updates.filter((u) => u.ref !== null).at(-1);
  }
}
