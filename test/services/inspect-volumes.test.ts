// Unread is not "none" (issue 10, item 6): when Nova's answer does not say which volumes are attached, the verdict
// is unknown and the evidence says the attached volumes could not be read, never a clean report of the root disk.
import { describe, expect, it } from 'vitest';
import { buildFixPlan } from '../../src/core/fix-plan.js';
import { ALICE, createHarness, staleInstance } from './support/fix-harness.js';

describe('attached volumes Nova did not list', () => {
  it('makes the verdict unknown, says why, and offers no fix', async () => {
    const h = createHarness();
    const vm = staleInstance(h);
    const server = h.nova.servers.get(vm.id);
    if (!server) throw new Error('no server');
    h.nova.servers.set(vm.id, { ...server, volumeIds: null });

    const report = await h.deps.inspectById(vm.id);
    expect(report?.verdict).toBe('unknown');
    expect(report?.evidence.join('\n')).toContain('attached volumes could not be read');
    expect(report ? buildFixPlan(report) : null).toEqual([]);
    const requested = await h.workflow.requestFix({ instanceId: vm.id, requestedBy: ALICE, origin: null });
    expect(requested).toMatchObject({ ok: false, error: { code: 'not_stale' } });
  });
});
