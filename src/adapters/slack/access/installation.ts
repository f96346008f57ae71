/**
 * The workspace (or Enterprise Grid organisation) vmlocks is installed in, read once at start with auth.test.
 * Payloads of any other team or enterprise are refused (access-guard.ts).
 */
import type { WebClient } from '@slack/web-api';
import type { Metrics } from '../../observability/metrics.js';
import { AuthTestAnswer } from '../slack-answers.js';
import { callSlack } from '../slack-call.js';

export interface Installation {
  /** The workspace id (T…); for an org-wide install, the organisation's id (E…). */
  teamId: string;
  /** The Enterprise Grid organisation (E…), or null outside Grid. */
  enterpriseId: string | null;
  /** Installed on the whole organisation: payloads may come from any of its workspaces. */
  isEnterpriseInstall: boolean;
}

export async function readInstallation(client: WebClient, metrics?: Metrics): Promise<Installation> {
  const answer = await callSlack(metrics, 'auth.test', AuthTestAnswer, () => client.auth.test());
  return {
    teamId: answer.team_id,
    enterpriseId: answer.enterprise_id ?? null,
    isEnterpriseInstall: answer.is_enterprise_install === true,
  };
}
