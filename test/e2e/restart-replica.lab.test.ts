// Several replicas share one database (DESIGN.md §5): a replica that starts while another one runs a fix must not
// report that live run as interrupted. The run is leased to its runner (a random id) and the runner renews the lease
// (services/run-lease.ts): a slow run, here several leases long, keeps it; the run finishes and is recorded as it ended.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCrash } from '../support/ceph-scenarios.js';
import { startBot, USERS } from '../support/bot-process.js';
import { startCompute, stopCompute } from '../support/nova-lab.js';
import { bootServer, rebootActions, type LabServer } from './support/fix-lab.js';
import { clickOnApproval, requestFixAs, type Requested } from './support/fix-slack.js';
import { waitForRequest, waitForState } from './support/fix-store.js';
import { startFixSuite, type FixSuite } from './support/fix-suite.js';

let suite: FixSuite;
let server: LabServer;
let requested: Requested;
const LEASE = { VMLOCKS_RUN_LEASE: '3s' };

beforeAll(async () => {
  suite = await startFixSuite({ env: LEASE });
  server = await bootServer(suite.lab, 'vmlt-e2e-replica', suite.booted);
  await seedCrash({ spec: server.spec });
  requested = await requestFixAs(suite, USERS.alice, server.name);
});
afterAll(async () => {
  await suite?.stop({ computes: true });
});

describe('a second replica starting during a fix', () => {
  it('leaves the other replica\'s live run alone, and the run finishes as succeeded', async () => {
    const { requestId, approval } = requested;
    // the run will wait for the reboot until the compute is back (Nova queues it; no need to wait for 'down')
    await stopCompute(suite.lab, server.host, 60_000, { waitDown: false });
    await clickOnApproval(suite, approval, USERS.bob);
    const waiting = await waitForRequest(suite.store, requestId, (r) => r.lastStep === 'wait' || (r.state !== 'running' && r.state !== 'pending'), 'at step wait', 60_000);
    expect(waiting).toMatchObject({ state: 'running', lastStep: 'wait' });
    expect(waiting.runnerId).toMatch(/^[0-9a-f]{16}@/);

    const replica = await startBot({ slackApiUrl: suite.slack.apiUrl, dbPath: suite.bot.dbPath, env: LEASE });
    suite.extraBots.push(replica);
    // the replica is ready: its start-up check of running fixes is done
    expect(await suite.store.get(requestId)).toMatchObject({ state: 'running', lastStep: 'wait' });
    expect((await suite.store.list({ requestId })).filter((e) => e.action === 'interrupted')).toEqual([]);

    // three leases pass while the run waits: the replica sweeps (every second) and finds the lease renewed each time
    await new Promise((resolve) => setTimeout(resolve, 9_000));
    expect(await suite.store.get(requestId)).toMatchObject({ state: 'running', runnerId: waiting.runnerId });
    await startCompute(suite.lab, server.host);
    const done = await waitForState(suite.store, requestId, ['succeeded', 'failed', 'interrupted'], 120_000);
    expect(done.state).toBe('succeeded');
    expect((await suite.store.list({ requestId })).filter((e) => e.action === 'interrupted')).toEqual([]);
    expect(await rebootActions(suite.lab, server.id)).toHaveLength(1);
    expect(replica.logs().some((l) => l.event === 'fix_interrupted')).toBe(false);
  });
});
