// The brake and batches (README "The brake and batches"): with VMLOCKS_BATCH_MAX=2 a host with three stale instances
// gets no batch, with a message saying to split or raise the cap; with VMLOCKS_FIX_BRAKE=1 single fixes still meet
// the per-window brake: the first runs, the second's approval is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCrash } from '../support/ceph-scenarios.js';
import { USERS } from '../support/bot-process.js';
import { clickRequestBatch } from './support/batch-slack.js';
import { bootServer, type LabServer } from './support/fix-lab.js';
import { answerTo, clickOnApproval, requestFixAs, textOf } from './support/fix-slack.js';
import { waitForState } from './support/fix-store.js';
import { startFixSuite, type FixSuite } from './support/fix-suite.js';

let suite: FixSuite;
let servers: LabServer[];

beforeAll(async () => {
  suite = await startFixSuite({ env: { VMLOCKS_BATCH_MAX: '2', VMLOCKS_FIX_BRAKE: '1', VMLOCKS_FIX_BRAKE_WINDOW: '10m' } });
  servers = await Promise.all([0, 1, 2].map((i) => bootServer(suite.lab, `vmlt-batch-cap-${i}`, suite.booted, 'compute-1')));
  await Promise.all(servers.map((s) => seedCrash({ spec: s.spec, user: 'nova-old' })));
});
afterAll(async () => {
  await suite?.stop();
});

describe('a batch over VMLOCKS_BATCH_MAX, and single fixes under the brake', () => {
  it('refuses the batch as a whole with a message that says to split the host or raise the cap, and records nothing', async () => {
    const { view, answer, batchId } = await clickRequestBatch(suite, USERS.alice, 'compute-1');
    expect(textOf(view.body)).toMatch(/more than VMLOCKS_BATCH_MAX \(2\)/); // the button's confirm dialog warns
    const text = textOf(answer.body);
    expect(batchId).toBeNull();
    expect(text).toMatch(/No batch requested: .*compute-1.* has \d+ stale instances, more than VMLOCKS_BATCH_MAX \(2\) allows in one batch/);
    expect(text).toMatch(/Nothing was requested\. Split the host.*raise VMLOCKS_BATCH_MAX/);
    expect(await suite.store.findOpenBatch('compute-1')).toBeNull();
    expect((await suite.store.list({ limit: 100 })).filter((e) => e.action === 'batch_request')).toEqual([]);
  });

  it('lets a single fix run and refuses the approval of the next one at the per-window brake', async () => {
    const [first, second] = servers as [LabServer, LabServer, LabServer];
    const one = await requestFixAs(suite, USERS.alice, first.name);
    await clickOnApproval(suite, one.approval, USERS.bob);
    expect((await waitForState(suite.store, one.requestId, ['succeeded', 'failed', 'aborted'], 150_000)).state).toBe('succeeded');

    const two = await requestFixAs(suite, USERS.alice, second.name);
    const refused = textOf((await answerTo(suite, await clickOnApproval(suite, two.approval, USERS.bob), 30_000)).body);
    expect(refused).toMatch(/brake|mass event/i);
    expect((await suite.store.get(two.requestId))?.state).toBe('pending');
  });
});
