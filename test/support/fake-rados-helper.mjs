// A stand-in for src/adapters/ceph/rados-helper.py at the process boundary (execa's fixture idea): it speaks the same
// JSON lines over stdio and answers each request by the first rule of the JSON file in argv[2] whose `match` fields
// all equal the request's. Rule actions: `reply` (with an optional delayMs), `hang` (never answers), `abort`
// (SIGABRT, as a librados assert does), `exit` (writes `stderr`, exits with `code`), `env` (answers with its pid,
// environment and argv, which the adapter reports as output it cannot read). Usage: node fake-rados-helper.mjs RULES.json [the helper's own arguments...]
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout } from 'node:timers';

const rules = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const args = process.argv.slice(3);
const send = (reply) => process.stdout.write(`${JSON.stringify(reply)}\n`);

createInterface({ input: process.stdin }).on('line', (line) => {
  const req = JSON.parse(line);
  const rule = rules.find((r) => Object.entries(r.match ?? {}).every(([k, v]) => req[k] === v));
  const act = () => {
    if (rule === undefined) return send({ id: req.id, ok: false, errno: 22, stage: 'call', error: 'no rule for this request' });
    if (rule.action === 'hang') return undefined;
    if (rule.action === 'abort') return process.kill(process.pid, 'SIGABRT');
    if (rule.action === 'exit') {
      process.stderr.write(rule.stderr ?? '');
      return process.exit(rule.code ?? 1);
    }
    if (rule.action === 'env') return send({ id: req.id, ok: true, out: JSON.stringify({ pid: process.pid, env: process.env, args }) });
    return send({ id: req.id, ...rule.reply });
  };
  if (rule?.delayMs !== undefined) setTimeout(act, rule.delayMs);
  else act();
});
process.stdin.on('end', () => process.exit(0));
