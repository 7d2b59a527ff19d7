// Setup file: runs before each test file is imported. Files other than the process suites wait
// here while a replica scenario has the machine to itself (alone-gate.ts).
import { expect } from 'vitest';
import { isProcessSuite, waitWhileAlone } from './alone-gate.js';

if (!isProcessSuite(expect.getState().testPath ?? '')) await waitWhileAlone();
