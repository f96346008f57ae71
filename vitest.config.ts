import { defineConfig } from 'vitest/config';

// Two projects:
//  - unit: pure core, builders, store, fakes at the process/network boundary. No lab needed.
//  - lab:  talks to the real Ceph and Nova labs (scripts/labs.sh), started by the global set-up.
//          Files run one at a time: they share one cluster and one Nova, and some stop a compute.
//  - container: the Docker image run with podman against the labs (scripts/container-smoke.sh builds it first).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.lab.test.ts', 'node_modules/**'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'lab',
          include: ['test/**/*.lab.test.ts'],
          exclude: ['test/container/**', 'node_modules/**'],
          globalSetup: ['test/support/lab-global-setup.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 240_000,
        },
      },
      {
        test: {
          name: 'container',
          include: ['test/container/**/*.lab.test.ts'],
          globalSetup: ['test/support/lab-global-setup.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
