/** How a FixRequest maps onto the columns of `fix_requests`, and how a patch becomes a SET clause. */
import type { FixRequest } from '../../core/fix-request.js';
import { StoreError } from './store-errors.js';

type Field = Exclude<keyof FixRequest, 'id' | 'state'>;

/** Field → column. The keys are fixed here, so a SET clause built from them cannot carry injected SQL. */
const COLUMNS: Record<Field, string> = {
  instanceId: 'instance_id',
  instanceName: 'instance_name',
  requestedBy: 'requested_by',
  requestedAt: 'requested_at',
  expiresAt: 'expires_at',
  approvedLocks: 'approved_locks',
  plan: 'plan',
  evidence: 'evidence',
  decidedBy: 'decided_by',
  decidedAt: 'decided_at',
  denyReason: 'deny_reason',
  approvalMessage: 'approval_message',
  origin: 'origin',
  lastStep: 'last_step',
  finishedAt: 'finished_at',
  outcome: 'outcome',
  runnerId: 'runner_id',
  heartbeatAt: 'heartbeat_at',
};

const JSON_FIELDS: ReadonlySet<Field> = new Set<Field>(['approvedLocks', 'plan', 'evidence', 'approvalMessage', 'origin']);
const FIELDS = Object.keys(COLUMNS) as Field[];

function isField(key: string): key is Field {
  return Object.hasOwn(COLUMNS, key);
}

function encode(field: Field, value: unknown): string | null {
  if (value === null) return null;
  if (JSON_FIELDS.has(field)) return JSON.stringify(value);
  return String(value);
}

/** Column names and values for an INSERT of a whole request (state and id included). */
export function requestColumns(request: FixRequest): { names: string[]; values: Array<string | null> } {
  return {
    names: ['id', 'state', ...FIELDS.map((f) => COLUMNS[f])],
    values: [request.id, request.state, ...FIELDS.map((f) => encode(f, request[f] ?? null))],
  };
}

/**
 * `, col = ?` pairs (or `$n`, from `placeholder`) for the fields a patch sets (undefined fields are left alone). The id never changes, and the
 * state changes only through transition(): `state` is accepted only when it equals `allowedState`.
 */
export function patchAssignments(
  id: string,
  patch: Partial<FixRequest>,
  allowedState: FixRequest['state'] | null,
  placeholder: () => string = () => '?',
): { sql: string; values: Array<string | null> } {
  let sql = '';
  const values: Array<string | null> = [];
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (key === 'id') {
      if (value !== id) throw new StoreError('invalid_patch', `a patch cannot change the id of fix request ${id}`);
      continue;
    }
    if (key === 'state') {
      if (value !== allowedState) {
        throw new StoreError('invalid_patch', `fix request ${id}: change the state with transition(), not with a patch`);
      }
      continue;
    }
    if (!isField(key)) continue; // not a FixRequest field: nothing to store
    sql += `, ${COLUMNS[key]} = ${placeholder()}`;
    values.push(encode(key, value));
  }
  return { sql, values };
}
