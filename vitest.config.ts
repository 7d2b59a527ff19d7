import { defineConfig } from 'vitest/config';
import { ProcessSuitesFirst } from './test/sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // Vitest's default is one worker per core minus one: a single worker on a 2-core machine, so
    // 60-odd files ran one after another although most of them wait on child processes, sockets
    // and timers. Three: the process suites on one (see test/sequencer.ts), the rest on two, so
    // their waits overlap without crowding the replica processes off the two cores.
    maxWorkers: 3,
    sequence: { sequencer: ProcessSuitesFirst },
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/wait-for-alone.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
