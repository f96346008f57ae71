// Single diagnoses go before host scans (issue 11, bar 4), through the running bot on the real labs: two operators
// each ask for a scan of a host of 40 instances (compute-1 and compute-2: 80 real Nova servers with their real RBD
// disks), and while both scans are running a third operator checks one instance (one of compute-2's, in the seed's
// crash). The single check is answered before either scan, in the order the fake Slack API received the answers (no
// timing threshold). Reads go through the CLIs (VMLOCKS_CEPH_READS=cli) with 2 Ceph processes at once, so a scan is
// about 160 rbd processes queued behind 2 slots: the contention is real, and shown by the counting wrappers (scan
// calls ran before the check was asked, and after it was answered).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type BotProcess } from '../support/bot-process.js';
import { startFakeSlackApi, type FakeSlackApi, type RecordedResponse } from '../support/fake-slack-api.js';
import { pollUntil } from '../support/nova-lab.js';
import { sendSlackRequest, sendTogether } from '../support/sign-slack-request.js';
import { createCountingPath, type CountingPath } from './support/diagnosis-counting-path.js';
import { createLabServers, type LabServer, type LabServers } from './support/limits-lab-servers.js';
import { answerText, commandRequest, finalAnswer, isProgress, readCounter } from './support/limits-slack.js';

const PER_HOST = 40;
const SCANNERS = { 'compute-1': 'U0SCANA001', 'compute-2': 'U0SCANB002' } as const;
const CHECKER = 'U0CHECK003';

let slack: FakeSlackApi;
let bot: BotProcess;
let ceph: CountingPath;
let lab: LabServers;
let single: LabServer;

beforeAll(async () => {
  lab = await createLabServers();
  // one host at a time: 40 boots and 40 `rbd create` at once are enough for this 2-core lab
  await lab.boot('e2e-scan-a', PER_HOST, 'compute-1');
  const second = await lab.boot('e2e-scan-b', PER_HOST, 'compute-2');
  single = second[PER_HOST - 1] as LabServer;
  await lab.crashLikeTheSeed(single);
  slack = await startFakeSlackApi();
  ceph = createCountingPath();
  bot = await startBot({
    slackApiUrl: slack.apiUrl,
    env: {
      PATH: ceph.PATH, VMLOCKS_CEPH_READS: 'cli', VMLOCKS_CEPH_CONCURRENCY: '2',
      VMLOCKS_OPERATORS: [...Object.values(SCANNERS), CHECKER].join(','),
    },
  });
}, 600_000);

afterAll(async () => {
  await bot?.stop();
  await slack?.close();
  ceph?.remove();
  await lab?.cleanup();
}, 300_000);

/** Where an answer is in the order the fake Slack API received every response_url post. */
const position = (answer: RecordedResponse): number => slack.responses.indexOf(answer);

const waitUntil = (what: string, done: () => boolean) => pollUntil(what, 60_000, () => Promise.resolve(done()), 50);

describe('two host scans of 40 instances and one single check', () => {
  it('answers the single check first, while both scans are still running', async () => {
    const scans = Object.entries(SCANNERS).map(([host, user]) => ({ host, id: `scan-${host}`, user }));
    const acks = await sendTogether(scans.map((s) => commandRequest(bot, slack, { user: s.user, text: `host ${s.host}`, id: s.id })));
    expect(acks.map((a) => a.status)).toEqual([200, 200]);
    // both scans have begun (their "Checking" notes), and their Ceph reads are queued behind the 2 slots
    await waitUntil('both scans checking', () => scans.every((s) => slack.responses.some((r) => r.id === s.id && isProgress(r))));
    await waitUntil('scan reads under way', () => ceph.calls().length >= 8);
    const queuedAtAsk = await readCounter(bot, 'vmlocks_limiter_queued', { limiter: 'ceph' });
    const callsBeforeCheck = ceph.calls().length;
    expect(slack.responses.filter((r) => scans.some((s) => s.id === r.id) && !isProgress(r))).toEqual([]);

    const ack = await sendSlackRequest(commandRequest(bot, slack, { user: CHECKER, text: single.id, id: 'single-check' }));
    expect(ack.status).toBe(200);
    const checked = await finalAnswer(slack, 'single-check', 120_000);
    const callsAtAnswer = ceph.calls().length;
    expect(answerText(checked)).toMatch(/STALE/);
    expect(answerText(checked)).toContain(single.name);

    const scanned = await Promise.all(scans.map((s) => finalAnswer(slack, s.id, 300_000)));
    scanned.forEach((answer, i) => expect(answerText(answer)).toContain(`${scans[i]?.host}\`: ${PER_HOST} instances`));
    for (const answer of scanned) expect(position(checked)).toBeLessThan(position(answer));
    // the contention was real: scan reads were waiting when the check was asked and went on after it was answered
    const calls = ceph.calls();
    expect(queuedAtAsk).toBeGreaterThan(0);
    expect(calls.length).toBeGreaterThan(callsAtAnswer);
    expect(new Set(calls.flatMap((argv) => argv.filter((a) => a.includes('_disk')))).size).toBeGreaterThanOrEqual(2 * PER_HOST);
    // and the check went ahead of them: its first read of its disk started before the scan reads that were waiting
    // when it was asked had all started (in a first-come queue they all would have: the order of process starts)
    const firstOwnRead = calls.findIndex((argv, i) => i >= callsBeforeCheck && argv.some((a) => a.includes(`${single.id}_disk`)));
    expect(firstOwnRead).toBeGreaterThanOrEqual(callsBeforeCheck);
    expect(firstOwnRead - callsBeforeCheck).toBeLessThan(queuedAtAsk);
    console.log(`answer order (response_url posts): check #${position(checked)}, scans #${scanned.map(position).join(', #')}; ` +
      `Ceph reads waiting when the check was asked: ${queuedAtAsk}; rbd/ceph processes started: ${callsBeforeCheck} before the check was asked, ` +
      `${firstOwnRead - callsBeforeCheck} more before its first own read, ${callsAtAnswer} when it was answered, ${calls.length} in all`);
  }, 600_000);
});
