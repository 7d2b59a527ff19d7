import { defineConfig } from 'vitest/config';
import { ProcessSuitesFirst } from './test/sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // Vitest's default is one worker per core minus one: a single worker on a 2-core machine, so
    // 60-odd files ran one after another although most of them wait on child processes, sockets
    // and timers. Four let those waits overlap; CPU-heavy files still share the cores.
    maxWorkers: 4,
    sequence: { sequencer: ProcessSuitesFirst },
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
