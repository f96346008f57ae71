/**
 * One bot per test file: the fake Slack Web API, the bot on a fresh database, a reader of that database, and the list
 * of servers to delete. `stop()` is for afterAll: it stops the bot, kills the writers, removes the scenarios' images,
 * deletes the servers and leaves every compute up, whatever the tests did.
 */
import type { Store } from '../../../src/adapters/store/index.js';
import { startBot, type BotProcess } from '../../support/bot-process.js';
import { cleanupScenarios } from '../../support/ceph-scenarios.js';
import { startFakeSlackApi, type FakeSlackApiOptions } from '../../support/fake-slack-api.js';
import { ensureComputesUp, findNovaLab, type NovaLab } from '../../support/nova-lab.js';
import type { SlackSide } from './fix-slack.js';
import { openStore } from './fix-store.js';

export interface FixSuite extends SlackSide {
  lab: NovaLab;
  store: Store;
  /** Server ids to delete in stop(). */
  booted: string[];
  /** Bots started besides the first (restarts, other settings), stopped in stop(). */
  extraBots: BotProcess[];
  stop(opts?: { computes?: boolean }): Promise<void>;
}

export async function startFixSuite(opts: { env?: Record<string, string>; slack?: FakeSlackApiOptions; dbPath?: string } = {}): Promise<FixSuite> {
  const lab = await findNovaLab();
  const slack = await startFakeSlackApi(opts.slack);
  let bot: BotProcess;
  try {
    bot = await startBot({ slackApiUrl: slack.apiUrl, ...(opts.env ? { env: opts.env } : {}), ...(opts.dbPath ? { dbPath: opts.dbPath } : {}) });
  } catch (e) {
    await slack.close();
    throw e;
  }
  const store = await openStore(bot.dbPath);
  const suite: FixSuite = {
    lab, slack, bot, store, booted: [], extraBots: [],
    async stop({ computes = false } = {}) {
      const errors: unknown[] = [];
      const attempt = async (work: () => Promise<void>): Promise<void> => {
        try { await work(); } catch (e) { errors.push(e); }
      };
      // computes first: a server on a dead compute cannot be deleted
      if (computes) await attempt(() => ensureComputesUp(lab));
      for (const b of [suite.bot, ...suite.extraBots]) await attempt(() => b.stop());
      await store.close();
      await attempt(() => slack.close());
      await attempt(() => cleanupScenarios());
      if (suite.booted.length > 0) await attempt(() => lab.admin.deleteServers(suite.booted));
      if (errors.length > 0) throw new AggregateError(errors, 'fix suite clean-up failed');
    },
  };
  return suite;
}
