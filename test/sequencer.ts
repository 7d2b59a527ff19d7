// Test files in the order the pool takes them: the process suites first. They run for a minute or
// more, mostly waiting on leases and certificate lifetimes, so everything else fits beside them;
// started last (vitest's order on a clean clone is by file size) they would end the run alone.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Folders whose files spawn replica processes and wait on real time. */
export const PROCESS_SUITES = ['test/replicas/', 'test/migration/'];

function isProcessSuite(spec: TestSpecification): boolean {
  const id = spec.moduleId.replaceAll('\\', '/');
  return PROCESS_SUITES.some((dir) => id.includes(`/${dir}`));
}

export class ProcessSuitesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return [...sorted.filter(isProcessSuite), ...sorted.filter((f) => !isProcessSuite(f))];
  }
}
