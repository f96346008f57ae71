import { describe, expect, it } from 'vitest';
import { legacySocketPort, loadBaseConfig, loadConfig } from '../src/config.js';

const slack = {
  SLACK_BOT_TOKEN: 'xoxb-1-2-3', SLACK_SIGNING_SECRET: 'abcdef0123456789', SLACK_APP_TOKEN: 'xapp-1-A-1-x',
  VMLOCKS_INCIDENT_CHANNEL: 'C0123456789', CEPH_ID: 'vmlocks',
};

describe('loadConfig', () => {
  it('refuses to serve as client.admin unless asked: CEPH_ID unset without VMLOCKS_ALLOW_CEPH_ADMIN=1', () => {
    const { CEPH_ID: _, ...noId } = slack;
    const r = loadConfig(noId);
    expect(r.ok ? '' : r.error).toMatch(/CEPH_ID[\s\S]*client\.admin[\s\S]*CEPH_ID=vmlocks[\s\S]*VMLOCKS_ALLOW_CEPH_ADMIN=1/);
    expect(loadConfig({ ...noId, VMLOCKS_ALLOW_CEPH_ADMIN: '0' }).ok).toBe(false);
    expect(loadConfig({ ...noId, VMLOCKS_ALLOW_CEPH_ADMIN: 'yes' }).ok).toBe(false);
    const admin = loadConfig({ ...noId, VMLOCKS_ALLOW_CEPH_ADMIN: '1' });
    expect(admin.ok && admin.value.ceph.id).toBeUndefined();
    const named = loadConfig(slack);
    expect(named.ok && named.value.ceph.id).toBe('vmlocks');
  });

  it('does not ask the read-only commands for CEPH_ID', () => {
    expect(loadBaseConfig({}).ok).toBe(true);
  });

  it('names every missing Slack variable and points at manifest.yml', () => {
    const r = loadConfig({});
    expect(r.ok).toBe(false);
    if (r.ok) return;
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'VMLOCKS_INCIDENT_CHANNEL']) expect(r.error).toContain(name);
    expect(r.error).toContain('manifest.yml');
  });

  it('applies the documented defaults: Socket Mode, ./vmlocks.db, pools vms and volumes, 15 min TTL, 10 commands a minute, 10 fixes per 10 min', () => {
    const r = loadConfig(slack);
    if (!r.ok) throw new Error(r.error);
    const c = r.value;
    expect(c.slack.VMLOCKS_SLACK_MODE).toBe('socket');
    expect(c.slack.PORT).toBe(3000);
    expect(c.dbPath).toBe('./vmlocks.db');
    expect([c.novaPool, c.cinderPools]).toEqual(['vms', ['volumes']]);
    expect(c.approvalTtlMs).toBe(15 * 60_000);
    expect(c.limits).toEqual({ userCommands: 10, userCommandsWindowMs: 60_000, fixBrake: 10, fixBrakeWindowMs: 600_000 });
    expect([c.ceph.concurrency, c.nova.concurrency, c.ceph.timeoutMs, c.nova.timeoutMs]).toEqual([4, 8, 10_000, 10_000]);
  });

  it('does not need the app-level token in http mode', () => {
    const { SLACK_APP_TOKEN: _, ...rest } = slack;
    expect(loadConfig({ ...rest, VMLOCKS_SLACK_MODE: 'http' }).ok).toBe(true);
    const socket = loadConfig(rest);
    expect(socket.ok ? '' : socket.error).toMatch(/SLACK_APP_TOKEN[\s\S]*VMLOCKS_SLACK_MODE=http|required in Socket Mode/);
  });

  it.each([
    ['VMLOCKS_APPROVAL_TTL', 'soon', /VMLOCKS_APPROVAL_TTL/],
    ['VMLOCKS_SLACK_MODE', 'websocket', /VMLOCKS_SLACK_MODE/],
    ['VMLOCKS_INCIDENT_CHANNEL', '#incidents', /channel id/],
    ['VMLOCKS_APPROVERS', 'U0AAAAAAA,alice', /"alice" is not a Slack user id/],
    ['VMLOCKS_CINDER_POOLS', 'volumes,../etc', /VMLOCKS_CINDER_POOLS/],
    ['VMLOCKS_NOVA_POOL', '-rf', /VMLOCKS_NOVA_POOL/],
    ['VMLOCKS_FIX_BRAKE', '0', /VMLOCKS_FIX_BRAKE/],
    ['PORT', 'http', /PORT/],
    ['CEPH_ID', 'client.vmlocks', /without "client\."[\s\S]*CEPH_ID/],
    ['SLACK_BOT_TOKEN', 'xoxp-user-token', /xoxb-/],
    ['VMLOCKS_WATCH_HOSTS', 'maybe', /expected on or off[\s\S]*VMLOCKS_WATCH_HOSTS/],
    ['VMLOCKS_WATCH_INTERVAL', '500ms', /at least 1s[\s\S]*VMLOCKS_WATCH_INTERVAL/],
    ['VMLOCKS_WATCH_SETTLE', 'later', /VMLOCKS_WATCH_SETTLE/],
  ])('refuses %s=%s with a message naming it', (name, value, message) => {
    const r = loadConfig({ ...slack, [name]: value });
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.error).toMatch(message);
  });

  it('reads several Cinder pools and durations in every documented unit', () => {
    const r = loadConfig({ ...slack, VMLOCKS_CINDER_POOLS: 'volumes, volumes-ssd', VMLOCKS_APPROVAL_TTL: '2h30m', VMLOCKS_CEPH_TIMEOUT: '2500ms' });
    if (!r.ok) throw new Error(r.error);
    expect(r.value.cinderPools).toEqual(['volumes', 'volumes-ssd']);
    expect(r.value.approvalTtlMs).toBe(9_000_000);
    expect(r.value.ceph.timeoutMs).toBe(2500);
  });
});

describe('the host watch settings', () => {
  it('watches the hosts by default, every 30 s, announcing a down host 45 s after its last heartbeat', () => {
    const r = loadConfig(slack);
    if (!r.ok) throw new Error(r.error);
    expect(r.value.watch).toEqual({ enabled: true, intervalMs: 30_000, settleMs: 45_000 });
  });

  it.each([
    ['on', true], ['off', false], ['true', true], ['false', false], ['1', true], ['0', false], [' OFF ', false], ['Yes', true],
  ])('reads VMLOCKS_WATCH_HOSTS=%s as %s', (value, enabled) => {
    const r = loadConfig({ ...slack, VMLOCKS_WATCH_HOSTS: value });
    expect(r.ok && r.value.watch.enabled).toBe(enabled);
  });

  it('reads the interval and the settle delay as durations', () => {
    const r = loadConfig({ ...slack, VMLOCKS_WATCH_INTERVAL: '2s', VMLOCKS_WATCH_SETTLE: '1m30s' });
    if (!r.ok) throw new Error(r.error);
    expect(r.value.watch).toMatchObject({ intervalMs: 2000, settleMs: 90_000 });
  });
});

describe('the metrics listener (METRICS_PORT, METRICS_HOST)', () => {
  const http = { ...slack, VMLOCKS_SLACK_MODE: 'http' };

  it('listens on 127.0.0.1:9464 by default, in both modes; in http mode whatever PORT is', () => {
    for (const env of [slack, http, { ...http, PORT: '8080' }, { ...slack, PORT: '8080', METRICS_PORT: '9464' }]) {
      const r = loadConfig(env);
      expect(r.ok && r.value.metricsListener).toEqual({ port: 9464, host: '127.0.0.1', onLegacyPort: false });
    }
  });

  it('keeps them on PORT in Socket Mode when PORT is set and METRICS_PORT is not (the old contract)', () => {
    const r = loadConfig({ ...slack, PORT: '8080' });
    expect(r.ok && r.value.metricsListener).toEqual({ port: 8080, host: '127.0.0.1', onLegacyPort: true });
    expect(legacySocketPort({ ...slack, PORT: '8080' })).toBe(true);
    expect(legacySocketPort({ ...slack, PORT: ' ' })).toBe(false);
    expect(legacySocketPort({ ...http, PORT: '8080' })).toBe(false);
  });

  it.each([
    ['0.0.0.0', '0.0.0.0'], ['::', '::'], [' 10.0.0.5 ', '10.0.0.5'], ['fd00::2', 'fd00::2'],
  ])('reads METRICS_HOST=%s', (value, host) => {
    const r = loadConfig({ ...slack, METRICS_HOST: value, METRICS_PORT: '9102' });
    expect(r.ok && r.value.metricsListener).toEqual({ port: 9102, host, onLegacyPort: false });
  });

  it.each([
    ['METRICS_PORT', '65536', /METRICS_PORT/],
    ['METRICS_PORT', 'metrics', /port number[\s\S]*METRICS_PORT/],
    ['METRICS_PORT', '9464.5', /METRICS_PORT/],
    ['METRICS_HOST', 'localhost', /IP address[\s\S]*METRICS_HOST/],
    ['METRICS_HOST', '0.0.0.0:9464', /METRICS_HOST/],
    ['METRICS_HOST', 'http://0.0.0.0', /METRICS_HOST/],
  ])('refuses %s=%s with a message naming it', (name, value, message) => {
    const r = loadConfig({ ...slack, [name]: value });
    expect(r.ok ? '' : r.error).toMatch(message);
  });

  it('refuses METRICS_PORT = PORT in http mode (two listeners on one port), not in Socket Mode where PORT is unused', () => {
    const same = loadConfig({ ...http, PORT: '8080', METRICS_PORT: '8080' });
    expect(same.ok ? '' : same.error).toMatch(/equals PORT \(8080\)[\s\S]*at METRICS_PORT/);
    const byDefault = loadConfig({ ...http, METRICS_PORT: '3000' });
    expect(byDefault.ok ? '' : byDefault.error).toMatch(/PORT \(3000\)/);
    expect(loadConfig({ ...slack, PORT: '3000', METRICS_PORT: '3000' }).ok).toBe(true);
    expect(loadConfig({ ...http, PORT: '0', METRICS_PORT: '0' }).ok).toBe(true);
  });
});

describe('loadBaseConfig', () => {
  it('needs no Slack credentials (for inspect and audit)', () => {
    const r = loadBaseConfig({ CEPH_ID: 'vmlocks' });
    expect(r.ok).toBe(true);
    expect(r.ok && r.value.ceph.id).toBe('vmlocks');
  });

  it('reads Ceph through librados by default, through the CLIs on VMLOCKS_CEPH_READS=cli, and refuses anything else', () => {
    const byDefault = loadBaseConfig({});
    expect(byDefault.ok && byDefault.value.ceph.reads).toBe('librados');
    const cli = loadBaseConfig({ VMLOCKS_CEPH_READS: 'cli' });
    expect(cli.ok && cli.value.ceph.reads).toBe('cli');
    const bad = loadBaseConfig({ VMLOCKS_CEPH_READS: 'rados' });
    expect(bad.ok ? '' : bad.error).toContain('VMLOCKS_CEPH_READS');
  });
});
