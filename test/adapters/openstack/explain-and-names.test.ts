import { describe, expect, it } from 'vitest';
import { explainNovaStatus } from '../../../src/adapters/openstack/explain-status.js';
import { exactNamePattern } from '../../../src/adapters/openstack/index.js';
import { minVersion } from '../../../src/adapters/openstack/nova-http.js';

describe('exactNamePattern', () => {
  it.each([
    ['vm-1', '^vm\\-1$'],
    ['a.b', '^a\\.b$'],
    ['x(1)', '^x\\(1\\)$'],
    ['db [primary] ^2+', '^db \\[primary\\] \\^2\\+$'],
  ])('anchors and escapes %s as %s', (name, pattern) => {
    expect(exactNamePattern(name)).toBe(pattern);
  });

  it.each([
    ['vm-1', ['vm-1'], ['vm-10', 'xvm-1', 'vm-1 ']],
    ['a.b', ['a.b'], ['aXb', 'a.bc']],
    ['x(1)', ['x(1)'], ['x1', 'x(1)y']],
  ])('makes %s match itself only', (name, hits, misses) => {
    const re = new RegExp(exactNamePattern(name), 'i');
    for (const h of hits) expect(re.test(h)).toBe(true);
    for (const m of misses) expect(re.test(m)).toBe(false);
  });
});

describe('explainNovaStatus', () => {
  const req = { method: 'POST', path: '/servers/x/action' };

  it('explains a locked server', () => {
    // the message of nova/exception.py InstanceIsLocked, as the lab answers it
    expect(explainNovaStatus(409, 'Instance 58c35f9f-b297-4f94-92c4-7b301d026f5b is locked', req, null)).toMatch(/the server is locked .* unlock/);
  });

  it('explains a server in a state that refuses the action', () => {
    expect(explainNovaStatus(409, "Cannot 'reboot' instance x while it is in vm_state building", req, null)).toMatch(/the server is building/);
  });

  it('explains Nova\'s 500 for a task-state race as a task in progress, not as an internal failure', () => {
    // nova-api's answer to back-to-back hard reboots on the lab (a 500, not the usual 409)
    const said = "Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.\n<class 'nova.exception.UnexpectedTaskStateError'>";
    const text = explainNovaStatus(500, said, req, 'req-9');
    expect(text).toMatch(/another task changed the server's state at the same moment \(500, UnexpectedTaskStateError\) \(request req-9\)\. Wait until it finishes/);
    expect(explainNovaStatus(500, 'Unexpected API Error.', req, 'req-9')).toMatch(/internal error \(500\)/);
  });

  it('points a 400 at vmlocks with the request id', () => {
    expect(explainNovaStatus(400, 'Invalid input', req, 'req-1')).toMatch(/vmlocks bug.*req-1/);
  });
});

describe('minVersion', () => {
  it('compares microversions by number', () => {
    expect(minVersion('2.100', '2.93')).toBe('2.93');
    expect(minVersion('2.9', '2.93')).toBe('2.9');
    expect(minVersion('2.93', '2.93')).toBe('2.93');
  });
});
