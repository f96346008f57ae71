import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SLASH_COMMAND } from '../../src/adapters/slack/action-ids.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

// The manifest fields vmlocks uses, with Slack's documented limits (docs.slack.dev/reference/app-manifest).
const Manifest = z.strictObject({
  _metadata: z.object({ major_version: z.literal(2), minor_version: z.number().int() }),
  display_information: z.object({ name: z.string().min(1).max(35), description: z.string().max(140), background_color: z.string().regex(/^#[0-9a-fA-F]{6}$/) }),
  features: z.strictObject({
    bot_user: z.object({ display_name: z.string().min(1).max(80).regex(/^[a-z0-9._-]+$/), always_online: z.boolean() }),
    slash_commands: z.array(z.strictObject({
      command: z.string().regex(/^\/[a-z0-9_-]{1,31}$/),
      description: z.string().min(1).max(2000),
      usage_hint: z.string().max(1000),
      should_escape: z.boolean(),
      url: z.url().optional(),
    })).min(1),
  }),
  oauth_config: z.strictObject({ scopes: z.strictObject({ bot: z.array(z.string().regex(/^[a-z]+(?:[.:][a-z]+)*$/)) }) }),
  settings: z.strictObject({
    interactivity: z.object({ is_enabled: z.literal(true), request_url: z.url().optional() }),
    org_deploy_enabled: z.boolean(),
    socket_mode_enabled: z.literal(true),
    token_rotation_enabled: z.literal(false),
  }),
});
type Manifest = z.infer<typeof Manifest>;

/** Bot scopes of each Web API method (method reference pages); `null` = no scope needed. */
const METHOD_SCOPE: Record<string, string | null> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.getPermalink': null,
  'conversations.open': 'im:write',
  'usergroups.users.list': 'usergroups:read',
  'users.info': 'users:read',
  'views.open': null,
  'auth.test': null,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The Web API methods the Slack adapter calls, found in its source: `<client>.chat.postMessage(` and the like. */
function methodsCalled(): Set<string> {
  const found = new Set<string>(['auth.test']); // Bolt's app.init() calls it
  for (const file of sourceFiles(join(ROOT, 'src/adapters/slack'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\b(?:client|web)\.((?:chat|conversations|usergroups|views|users|auth|apps|reactions)\.[A-Za-z.]+)\(/g)) {
      if (m[1]) found.add(m[1]);
    }
  }
  return found;
}

function manifest(): Manifest {
  return Manifest.parse(parse(readFileSync(join(ROOT, 'manifest.yml'), 'utf8')));
}

describe('manifest.yml', () => {
  it('is a valid manifest for the fields vmlocks uses', () => {
    expect(() => manifest()).not.toThrow();
  });

  it('registers the slash command the app listens to, in Socket Mode, without token rotation', () => {
    const m = manifest();
    expect(m.features.slash_commands.map((c) => c.command)).toEqual([SLASH_COMMAND]);
    expect(m.settings.socket_mode_enabled).toBe(true);
    expect(m.settings.token_rotation_enabled).toBe(false);
  });

  it('knows the scope of every Web API method the adapter calls', () => {
    const unknown = [...methodsCalled()].filter((method) => !(method in METHOD_SCOPE));
    expect(unknown).toEqual([]);
    expect(methodsCalled()).toEqual(new Set(['auth.test', 'chat.postMessage', 'chat.update', 'chat.postEphemeral', 'chat.getPermalink', 'conversations.open', 'usergroups.users.list', 'users.info', 'views.open']));
  });

  it('grants every bot scope those methods need, and no other (least privilege)', () => {
    const needed = new Set(['commands', ...[...methodsCalled()].flatMap((m) => METHOD_SCOPE[m] ?? [])]);
    expect(new Set(manifest().oauth_config.scopes.bot)).toEqual(needed);
  });
});
