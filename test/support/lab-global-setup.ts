// Global set-up of the `lab` vitest project: build dist/ (end-to-end tests run the real `vmlocks` binary) and
// make sure both labs are up (idempotent: seconds when they are).
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

export default async function setup(): Promise<void> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  await execa('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit', timeout: 5 * 60_000 });
  await execa('bash', ['scripts/labs.sh', 'up'], { cwd: root, stdio: 'inherit', timeout: 15 * 60_000 });
}
