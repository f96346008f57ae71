/** The Web API methods the fake Slack answers, with the shapes of Slack's method reference pages. */

/** A user as the fake's users.info describes them; unlisted users are full members of FAKE_TEAM. */
export interface FakeUser {
  /** Workspace of the user; another one than FAKE_TEAM is a Slack Connect user. Default FAKE_TEAM.id. */
  teamId?: string;
  /** Enterprise Grid organisation (users.info `enterprise_user.enterprise_id`). */
  enterpriseId?: string;
  /** Multi-channel guest. */
  restricted?: boolean;
  /** Single-channel guest. */
  ultraRestricted?: boolean;
  deleted?: boolean;
  /** Slack Connect: a user of an organisation the caller's org has no shared relationship with beyond the channel. */
  stranger?: boolean;
  /** users.info answers `user_not_found`. */
  missing?: boolean;
}

export interface FakeSlackState {
  usergroups: Map<string, string[]>;
  users: Map<string, FakeUser>;
  /** auth.test: the installation's Enterprise Grid organisation, if any. */
  enterpriseId: string | null;
  channelsWithoutBot: Set<string>;
  /** `channel:ts` of every message posted, for chat.update / chat.getPermalink. */
  messages: Map<string, Record<string, unknown>>;
  seq: number;
}

export function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v)) : {};
}

export const FAKE_TEAM = { id: 'T0VMLOCKS', domain: 'vmlocks-test' } as const;
export const FAKE_BOT = { userId: 'U0VMLOCKSBOT', botId: 'B0VMLOCKS' } as const;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function nextTs(state: FakeSlackState): string {
  state.seq += 1;
  return `${Math.floor(Date.now() / 1000)}.${String(state.seq).padStart(6, '0')}`;
}

/** A DM with a user is a `D…` conversation; Slack resolves a user id given as `channel` to it. */
function dmOf(user: string): string {
  return `D${user.slice(1)}`;
}

function postMessage(state: FakeSlackState, args: Record<string, unknown>): Record<string, unknown> {
  const target = str(args.channel);
  if (target === null) return { ok: false, error: 'channel_not_found' };
  if (str(args.text) === null && !Array.isArray(args.blocks)) return { ok: false, error: 'no_text' };
  if (state.channelsWithoutBot.has(target)) return { ok: false, error: 'not_in_channel' };
  const channel = /^[UW]/.test(target) ? dmOf(target) : target;
  const ts = nextTs(state);
  const message = { type: 'message', user: FAKE_BOT.userId, bot_id: FAKE_BOT.botId, team: FAKE_TEAM.id, text: args.text ?? '', blocks: args.blocks ?? [], ts };
  state.messages.set(`${channel}:${ts}`, message);
  return { ok: true, channel, ts, message };
}

function updateMessage(state: FakeSlackState, args: Record<string, unknown>): Record<string, unknown> {
  const channel = str(args.channel);
  const ts = str(args.ts);
  if (channel === null) return { ok: false, error: 'channel_not_found' };
  const old = ts === null ? undefined : state.messages.get(`${channel}:${ts}`);
  if (ts === null || old === undefined) return { ok: false, error: 'message_not_found' };
  const message = { ...old, text: args.text ?? '', blocks: args.blocks ?? [], edited: { user: FAKE_BOT.userId, ts: nextTs(state) } };
  state.messages.set(`${channel}:${ts}`, message);
  return { ok: true, channel, ts, text: args.text ?? '', message };
}

/** users.info (docs.slack.dev/reference/methods/users.info): the user object with its guest and team fields. */
function usersInfo(state: FakeSlackState, args: Record<string, unknown>): Record<string, unknown> {
  const id = str(args.user);
  if (id === null) return { ok: false, error: 'user_not_found' };
  const u = state.users.get(id) ?? {};
  if (u.missing) return { ok: false, error: 'user_not_found' };
  const name = id.toLowerCase();
  return {
    ok: true,
    user: {
      id, team_id: u.teamId ?? FAKE_TEAM.id, name, deleted: u.deleted ?? false, color: '9f69e7', real_name: name,
      tz: 'Europe/Berlin', tz_label: 'Central European Time', tz_offset: 3600,
      profile: { real_name: name, display_name: name, team: u.teamId ?? FAKE_TEAM.id },
      is_admin: false, is_owner: false, is_primary_owner: false,
      is_restricted: u.restricted ?? false, is_ultra_restricted: u.ultraRestricted ?? false,
      is_bot: false, is_app_user: false, updated: 1_700_000_000, has_2fa: false,
      ...(u.stranger ? { is_stranger: true } : {}),
      ...(u.enterpriseId ? { enterprise_user: { id, enterprise_id: u.enterpriseId, enterprise_name: 'Fake Org', is_admin: false, is_owner: false, teams: [u.teamId ?? FAKE_TEAM.id] } } : {}),
    },
  };
}

const METHODS: Record<string, (state: FakeSlackState, args: Record<string, unknown>) => Record<string, unknown>> = {
  'auth.test': (state) => ({
    ok: true, url: `https://${FAKE_TEAM.domain}.slack.com/`, team: FAKE_TEAM.domain, user: 'vmlocks', team_id: FAKE_TEAM.id,
    user_id: FAKE_BOT.userId, bot_id: FAKE_BOT.botId, is_enterprise_install: false,
    ...(state.enterpriseId === null ? {} : { enterprise_id: state.enterpriseId }),
  }),
  'users.info': usersInfo,
  'chat.postMessage': postMessage,
  'chat.update': updateMessage,
  'chat.postEphemeral': (state, args) => {
    const channel = str(args.channel);
    if (channel === null) return { ok: false, error: 'channel_not_found' };
    if (str(args.user) === null) return { ok: false, error: 'user_not_found' };
    if (state.channelsWithoutBot.has(channel)) return { ok: false, error: 'not_in_channel' };
    return { ok: true, message_ts: nextTs(state) };
  },
  'chat.getPermalink': (state, args) => {
    const channel = str(args.channel);
    const ts = str(args.message_ts);
    if (channel === null) return { ok: false, error: 'channel_not_found' };
    if (ts === null || !state.messages.has(`${channel}:${ts}`)) return { ok: false, error: 'message_not_found' };
    return { ok: true, channel, permalink: `https://${FAKE_TEAM.domain}.slack.com/archives/${channel}/p${ts.replace('.', '')}` };
  },
  'conversations.open': (_state, args) => {
    const users = str(args.users)?.split(',') ?? [];
    if (users.length !== 1 || users[0] === undefined) return { ok: false, error: users.length === 0 ? 'users_list_not_supplied' : 'not_supported_in_fake' };
    return { ok: true, channel: { id: dmOf(users[0]) } };
  },
  'views.open': (state, args) => {
    if (str(args.trigger_id) === null) return { ok: false, error: 'invalid_arguments' };
    if (str(args.trigger_id)?.startsWith('expired')) return { ok: false, error: 'expired_trigger_id' };
    const view = asRecord(args.view);
    state.seq += 1;
    return { ok: true, view: { ...view, id: `V${String(state.seq).padStart(8, '0')}`, team_id: FAKE_TEAM.id, state: { values: {} }, hash: `${state.seq}.fake`, root_view_id: null, previous_view_id: null, bot_id: FAKE_BOT.botId } };
  },
  'usergroups.users.list': (state, args) => {
    const group = str(args.usergroup);
    const users = group === null ? undefined : state.usergroups.get(group);
    return users === undefined ? { ok: false, error: 'no_such_subteam' } : { ok: true, users };
  },
};

export function answerMethod(state: FakeSlackState, method: string, args: Record<string, unknown>): Record<string, unknown> {
  const answer = METHODS[method];
  return answer ? answer(state, args) : { ok: false, error: 'unknown_method' };
}
