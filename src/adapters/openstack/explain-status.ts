/**
 * What an error status from Nova or Keystone means for the on-call engineer, and what to do about it.
 * The messages quote the API's own words; Nova's shapes are in test/fixtures/nova (recorded from the real API).
 */
import type { RequestInfo } from './errors.js';

const POLICY_DENIED = /Policy doesn't allow (\S+) to be performed/;
// nova/exception.py InstanceInvalidState: "Cannot 'reboot' instance <id> while it is in task_state rebooting_hard"
const TASK_STATE = /task_state (\w+)/;
const VM_STATE = /vm_state (\w+)/;

export function explainNovaStatus(status: number, apiMessage: string | null, req: RequestInfo, requestId: string | null): string {
  const said = apiMessage ?? 'no message';
  const ref = requestId === null ? '' : ` (request ${requestId})`;
  const call = `${req.method} ${req.path}`;
  if (status === 401) {
    return `Nova refused the bot's token for ${call} (401) even after a fresh one: check the OpenStack credentials ` +
      '(OS_CLOUD and clouds.yaml, or the OS_* variables) and that the user and project are enabled.';
  }
  if (status === 403) {
    const rule = POLICY_DENIED.exec(said)?.[1];
    if (rule !== undefined) {
      return `The OpenStack user may not ${call}: Nova's policy rule ${rule} denies it. ` +
        'Grant that rule to the bot\'s role in Nova\'s policy.yaml (see docs/openstack-policy.md).';
    }
    return `Nova refused ${call} (403: ${said}). The OpenStack user lacks a permission: see docs/openstack-policy.md.`;
  }
  if (status === 404) return `Nova has no such object for ${call} (404: ${said}).`;
  if (status === 409) return explainConflict(said, call);
  if (status === 400) {
    return `Nova rejected ${call} as invalid (400: ${said}). This is a vmlocks bug: report it with the request id${ref}.`;
  }
  if (status === 413 || status === 429) {
    return `Nova is rate-limiting the bot (${status}: ${said}): wait a minute, then try again.`;
  }
  if (status === 500 && said.includes('UnexpectedTaskStateError')) {
    // Seen on the lab with back-to-back hard reboots: a task changed the server's task_state between nova-api's
    // check and its save (nova/exception.py UnexpectedTaskStateError), and nova-api answers 500 instead of 409.
    return `Nova refused ${call}: another task changed the server's state at the same moment (500, UnexpectedTaskStateError)${ref}. ` +
      'Wait until it finishes (openstack server show shows task_state), then try again.';
  }
  if (status >= 500) {
    const down = status === 502 || status === 503 || status === 504;
    return down
      ? `Nova is unavailable (${status}) for ${call}: it may be restarting or overloaded. Try again in a minute.`
      : `Nova failed with an internal error (${status}) on ${call}${ref}. Try again; if it persists, look the request id up in nova-api's log.`;
  }
  return `Nova answered ${call} with ${status}: ${said}${ref}.`;
}

function explainConflict(said: string, call: string): string {
  if (/is locked/i.test(said)) {
    return `Nova refused ${call}: the server is locked (${said}). Ask its owner, or an admin to unlock it ` +
      '(openstack server unlock <id>), then try again.';
  }
  const task = TASK_STATE.exec(said)?.[1];
  if (task !== undefined && task !== 'None') {
    return `Nova refused ${call}: another task (${task}) is in progress on the server. ` +
      'Wait until it finishes (openstack server show shows task_state), then try again.';
  }
  const vm = VM_STATE.exec(said)?.[1];
  if (vm !== undefined) return `Nova refused ${call}: the server is ${vm}, which does not allow this (${said}).`;
  return `Nova refused ${call} because of the server's current state (409: ${said}). Wait for any task on it to finish, then try again.`;
}

export function explainKeystoneStatus(status: number, apiMessage: string | null, req: RequestInfo, source: string): string {
  const said = apiMessage ?? 'no message';
  if (req.path.startsWith('/auth/tokens')) {
    if (status === 401) {
      return `Keystone rejected the credentials from ${source} (401: ${said}): check the user name and password or the ` +
        'application credential id and secret, that they have not expired, and that the user has a role on the project.';
    }
    if (status === 404) return `Keystone does not know the user, project or domain named in ${source} (404: ${said}).`;
    if (status === 400) return `Keystone refused the authentication request built from ${source} as invalid (400: ${said}).`;
  }
  if (status >= 500) return `Keystone is failing (${status}) on ${req.method} ${req.path}: try again in a minute.`;
  return `Keystone answered ${req.method} ${req.path} with ${status}: ${said}.`;
}
