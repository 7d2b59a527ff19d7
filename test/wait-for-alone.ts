// Setup file: runs before each test file is imported. Every file but the replica suite waits here
// while that suite's first scenario has the machine to itself (alone-gate.ts).
import { expect } from 'vitest';
import { isAloneFile, waitWhileAlone } from './alone-gate.js';

if (!isAloneFile(expect.getState().testPath ?? '')) await waitWhileAlone();
