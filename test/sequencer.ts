// Test files in the order the pool takes them: the process suites first. They run for a minute or
// more, mostly waiting on leases and certificate lifetimes, so everything else fits beside them;
// started last (vitest's order on a clean clone is by file size) they would end the run alone.
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { holdForAlone, isAloneFile, isProcessSuite } from './alone-gate.js';

export { PROCESS_SUITES } from './alone-gate.js';

export class ProcessSuitesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const first = [
      ...sorted.filter((f) => isAloneFile(f.moduleId)),
      ...sorted.filter((f) => isProcessSuite(f.moduleId) && !isAloneFile(f.moduleId)),
    ];
    // The replica suite's first scenario runs alone; the other files wait for it (alone-gate.ts).
    if (first.some((f) => isAloneFile(f.moduleId))) holdForAlone();
    return [...first, ...sorted.filter((f) => !isProcessSuite(f.moduleId))];
  }
}
