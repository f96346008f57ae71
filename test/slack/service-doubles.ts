/**
 * Inbound-boundary doubles of the services for the Slack app tests: each records its calls and answers what the
 * test configured. A call the test did not configure is recorded and fails (the handler then answers "Could not…"),
 * and the tests assert the recorded calls, so an unexpected call fails the test either way.
 */
import type { FixRequest, Rejection } from '../../src/core/fix-request.js';
import type { InstanceRef } from '../../src/core/ids.js';
import type { Result } from '../../src/core/result.js';
import type { SlackAccessOptions } from '../../src/adapters/slack/app.js';
import type { ApproverDirectory, CommandLimiter } from '../../src/ports.js';
import type { FixWorkflow, HostOutcome, InspectOutcome, InspectService, RequestRefusal } from '../../src/services/types.js';

type RequestFixInput = Parameters<FixWorkflow['requestFix']>[0];
type DecideInput = Parameters<FixWorkflow['decide']>[0];

export class UnexpectedCall extends Error {}

export interface RecordingInspect extends InspectService {
  calls: Array<{ ref: InstanceRef; actor: string }>;
  answer: ((ref: InstanceRef) => Promise<InspectOutcome>) | null;
  hostCalls: Array<{ host: string; actor: string }>;
  hostAnswer: ((host: string) => Promise<HostOutcome>) | null;
}

export function recordingInspect(): RecordingInspect {
  const double: RecordingInspect = {
    calls: [],
    answer: null,
    hostCalls: [],
    hostAnswer: null,
    async inspect(ref, actor) {
      double.calls.push({ ref, actor });
      if (!double.answer) throw new UnexpectedCall(`inspect(${JSON.stringify(ref)}) was not expected`);
      return double.answer(ref);
    },
    async inspectHost(host, actor) {
      double.hostCalls.push({ host, actor });
      if (!double.hostAnswer) throw new UnexpectedCall(`inspectHost(${host}) was not expected`);
      return double.hostAnswer(host);
    },
  };
  return double;
}

export interface RecordingFixes extends FixWorkflow {
  requestCalls: RequestFixInput[];
  decideCalls: DecideInput[];
  onRequest: ((input: RequestFixInput) => Promise<Result<FixRequest, RequestRefusal>>) | null;
  onDecide: ((input: DecideInput) => Promise<Result<FixRequest, Rejection>>) | null;
}

export function recordingFixes(): RecordingFixes {
  const double: RecordingFixes = {
    requestCalls: [],
    decideCalls: [],
    onRequest: null,
    onDecide: null,
    async requestFix(input) {
      double.requestCalls.push(input);
      if (!double.onRequest) throw new UnexpectedCall('requestFix was not expected');
      return double.onRequest(input);
    },
    async requestRestart() {
      throw new UnexpectedCall('requestRestart was not expected');
    },
    async decide(input) {
      double.decideCalls.push(input);
      if (!double.onDecide) throw new UnexpectedCall('decide was not expected');
      return double.onDecide(input);
    },
  };
  return double;
}

export interface RecordingLimiter extends CommandLimiter {
  keys: string[];
  /** user → retryAfterMs for users over their limit. */
  blocked: Map<string, number>;
}

export function recordingLimiter(): RecordingLimiter {
  const double: RecordingLimiter = {
    keys: [],
    blocked: new Map(),
    async take(key) {
      double.keys.push(key);
      const retryAfterMs = double.blocked.get(key);
      return retryAfterMs === undefined ? { allowed: true } : { allowed: false, retryAfterMs };
    },
  };
  return double;
}

/** The Slack users of these tests: all operators; reports may be posted in the channels the payload helpers use. */
export const TEST_OPERATORS = ['U01REQUEST', 'U02APPROVE', 'U03MEMBER', 'U05BUSY', 'U07OTHER'] as const;

export function testAccess(extra: Partial<SlackAccessOptions> = {}): SlackAccessOptions {
  const approvers: ApproverDirectory = { isApprover: async (userId) => userId === 'U02APPROVE' };
  return { policy: { operators: [...TEST_OPERATORS] }, approvers, reportChannels: ['C0ONCALL', 'C0INCIDENT'], ...extra };
}
