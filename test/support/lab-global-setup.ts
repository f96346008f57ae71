// Global set-up of the `lab` vitest project: make sure both labs are up (idempotent, seconds when they are).
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

export default async function setup(): Promise<void> {
  const script = fileURLToPath(new URL('../../scripts/labs.sh', import.meta.url));
  await execa('bash', [script, 'up'], { stdio: 'inherit', timeout: 15 * 60_000 });
}
