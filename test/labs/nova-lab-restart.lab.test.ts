// scripts/nova-lab.sh start on a lab whose processes vanished without a goodbye (the machine lost power, or was
// restored from a snapshot, as a CI machine is): the pid files still name the old processes. A CI run once failed
// here ("glance-api died") because start treated a previous boot's pid file as a service that had just died.
// This file reproduces both faces of that on the running lab: a pid file naming a dead process, and one naming a
// live but unrelated process (a recycled pid). start must relaunch both services and report the lab up.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { ensureComputesUp, findNovaLab, LAB_SCRIPT, pollUntil, type NovaLab } from '../support/nova-lab.js';

let lab: NovaLab;
const pidFile = (name: string) => path.join(lab.dir, 'pids', `${name}.pid`);
const pidOf = (name: string) => Number(readFileSync(pidFile(name), 'utf8').trim().split(' ')[0]);
const groupAlive = (pgid: number) => {
  try { process.kill(-pgid, 0); return true; } catch { return false; }
};

beforeAll(async () => {
  lab = await findNovaLab();
});

afterAll(async () => {
  if (lab !== undefined) await ensureComputesUp(lab);
});

describe('nova-lab.sh start after the lab lost power', () => {
  it('relaunches services whose pid file names a dead or a recycled process, and is up again', async () => {
    // neutron-stub: SIGKILLed, its pid file left behind (a dead pid)
    const stub = pidOf('neutron-stub');
    process.kill(-stub, 'SIGKILL');
    await pollUntil('neutron-stub gone', 10_000, async () => !groupAlive(stub), 100);
    // compute-2: SIGKILLed, and its pid file now names this live test process (a recycled pid)
    const compute = pidOf('nova-compute-compute-2');
    process.kill(-compute, 'SIGKILL');
    await pollUntil('compute-2 gone', 10_000, async () => !groupAlive(compute), 100);
    writeFileSync(pidFile('nova-compute-compute-2'), `${process.pid} 1\n`);
    // and a pid file of a service from a previous boot that this start has not reached yet
    writeFileSync(pidFile('ghost-of-a-previous-boot'), '4194000 12345\n');

    const start = await execa('bash', [LAB_SCRIPT, 'start'], { timeout: 150_000, reject: false, env: { NOVA_LAB_DIR: lab.dir } });
    expect(start.exitCode, start.stderr).toBe(0);
    expect(start.stderr).toMatch(/started neutron-stub/);
    expect(start.stderr).toMatch(/started nova-compute-compute-2/);
    expect(start.stderr).not.toMatch(/died/);

    const newStub = pidOf('neutron-stub');
    const newCompute = pidOf('nova-compute-compute-2');
    expect(newStub).not.toBe(stub);
    expect(newCompute).not.toBe(process.pid);
    expect(groupAlive(newStub) && groupAlive(newCompute)).toBe(true);
    const status = await execa('bash', [LAB_SCRIPT, 'status'], { timeout: 30_000, reject: false, env: { NOVA_LAB_DIR: lab.dir } });
    expect(status.exitCode, status.stdout).toBe(0);
    expect(status.stdout).not.toMatch(/ghost/);
    expect((await lab.admin.computeState('compute-2')).state).toBe('up');
  });
});
