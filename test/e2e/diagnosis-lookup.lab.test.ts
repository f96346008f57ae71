// Finding the instance: a name or UUID Nova does not know is "not found"; a name two servers share is ambiguous and
// the answer lists both UUIDs (vmlocks never picks one); a UUID in capitals or without dashes is the same instance.
// Through the running bot and through `vmlocks inspect`, whose exit code is 2 for both (DESIGN.md §6).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type BotProcess } from '../support/bot-process.js';
import { startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api.js';
import { findNovaLab, uniqueName } from '../support/nova-lab.js';
import { AmbiguousJson, inspectJson, runCli } from './support/diagnosis-cli.js';
import { NovaSetup, type LabServer } from './support/diagnosis-nova.js';
import { askVmlocks, blocksTextOf, buttonsOf, messageTextOf } from './support/diagnosis-slack.js';
import { Timings } from './support/diagnosis-timings.js';

const timings = new Timings('instance lookup');
let slack: FakeSlackApi;
let bot: BotProcess;
let nova: NovaSetup;
let twins: LabServer[];
const twinName = uniqueName('e2e-twin');

beforeAll(async () => {
  nova = new NovaSetup(await findNovaLab());
  slack = await startFakeSlackApi();
  twins = await nova.boot([{ prefix: '', name: twinName, host: 'compute-1' }, { prefix: '', name: twinName, host: 'compute-2' }]);
  bot = await startBot({ slackApiUrl: slack.apiUrl, env: { VMLOCKS_USER_COMMANDS: '100' } });
});

afterAll(async () => {
  timings.print();
  try {
    await bot?.stop();
    await slack?.close();
  } finally {
    await nova?.restore();
  }
});

describe('an instance Nova does not know', () => {
  it('is answered "not found" in Slack, by name, with a hint and no button', async () => {
    const name = uniqueName('e2e-nosuch');
    const a = await askVmlocks(bot, slack, name);
    timings.add({ scenario: '/vmlocks unknown name', ackMs: a.ackMs, answerMs: a.answerMs });
    expect(messageTextOf(a.answer.body)).toBe(`NOT FOUND: \`${name}\``);
    expect(blocksTextOf(a.answer.body)).toContain(`*NOT FOUND* — no instance is named \`${name}\`.`);
    expect(buttonsOf(a.answer.body)).toEqual([]);
  });

  it('is answered "not found" in Slack, by UUID', async () => {
    const id = randomUUID();
    const a = await askVmlocks(bot, slack, id);
    timings.add({ scenario: '/vmlocks unknown UUID', ackMs: a.ackMs, answerMs: a.answerMs });
    expect(blocksTextOf(a.answer.body)).toContain(`*NOT FOUND* — no instance has the UUID \`${id}\`.`);
  });

  it('makes vmlocks inspect --json print verdict not_found and exit 2, by name and by UUID', async () => {
    const name = uniqueName('e2e-nosuch');
    const id = randomUUID();
    const [byName, byId] = await Promise.all([inspectJson(name), inspectJson(id)]);
    timings.add({ scenario: 'inspect unknown name', cliMs: byName.ms });
    expect([byName.exitCode, byId.exitCode]).toEqual([2, 2]);
    expect(byName.report).toMatchObject({ verdict: 'not_found', instance: { name, id: null }, disks: [], plan: [] });
    expect(byId.report).toMatchObject({ verdict: 'not_found', instance: { id, name: null }, disks: [], plan: [] });
  });

  it('makes vmlocks inspect print a readable "no such instance" and exit 2', async () => {
    const name = uniqueName('e2e-nosuch');
    const run = await runCli(['inspect', name]);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toContain(`${name}: no such instance in Nova (all projects)`);
  });
});

describe('a name two servers share', () => {
  it('is answered in Slack with both candidates, their UUIDs and hosts, and no verdict', async () => {
    const a = await askVmlocks(bot, slack, twinName);
    timings.add({ scenario: '/vmlocks ambiguous name', ackMs: a.ackMs, answerMs: a.answerMs });
    expect(messageTextOf(a.answer.body)).toBe(`AMBIGUOUS: 2 instances named \`${twinName}\`; use the UUID`);
    const text = blocksTextOf(a.answer.body);
    for (const t of twins) expect(text).toContain(`\`${t.id}\` · host \`${t.host}\` · \`ACTIVE\``);
    expect(text).not.toMatch(/STALE|ALIVE|UNLOCKED|UNKNOWN/);
    expect(buttonsOf(a.answer.body)).toEqual([]);
  });

  it('makes vmlocks inspect --json list both candidates and exit 2', async () => {
    const run = await runCli(['inspect', twinName, '--json']);
    timings.add({ scenario: 'inspect ambiguous name', cliMs: run.ms });
    expect(run.exitCode).toBe(2);
    const out = AmbiguousJson.parse(JSON.parse(run.stdout));
    expect(out.candidates.map((c) => ({ id: c.id, host: c.host })).sort((x, y) => x.id.localeCompare(y.id)))
      .toEqual(twins.map((t) => ({ id: t.id, host: t.host })).sort((x, y) => x.id.localeCompare(y.id)));
  });

  it('is resolved by either UUID, also written in capitals or without dashes', async () => {
    const [one, two] = twins;
    if (!one || !two) throw new Error('two servers expected');
    const a = await askVmlocks(bot, slack, one.id.toUpperCase());
    expect(messageTextOf(a.answer.body)).toMatch(/^UNLOCKED: /);
    expect(blocksTextOf(a.answer.body)).toContain(`\`${one.id}\``);
    const run = await inspectJson(two.id.replace(/-/g, ''));
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.report.instance).toMatchObject({ id: two.id, name: twinName, host: 'compute-2' });
  });
});
