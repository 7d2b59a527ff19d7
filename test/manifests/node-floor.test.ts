// One Node floor everywhere: package.json engines, every installed dependency's own engines, the
// Dockerfile's base image and the Node .ci/run fetches when the machine's is older.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM script without type declarations, run by .ci/run before npm ci.
import { enginesRange, satisfies } from '../../.ci/node-engines.mjs';

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');
const range = (enginesRange as (r?: URL) => string)(root);
const ok = satisfies as (version: string, range: string) => boolean;

interface LockEntry {
  readonly version?: string;
  readonly engines?: { readonly node?: string } | string[];
}

const lock = JSON.parse(read('package-lock.json')) as {
  packages: Record<string, LockEntry>;
};
const FLOOR = /^\^(\d+\.\d+\.\d+)/.exec(range)?.[1] ?? '';
const CI_NODE = /^CI_NODE_VERSION=(\S+)$/m.exec(read('.ci/run'))?.[1] ?? '';

describe('the Node floor', () => {
  it('engines.node starts at a 22 LTS release and leaves out Node 20 and 23', () => {
    expect(range).toBe('^22.13.0 || >=24.0.0');
    expect(FLOOR).toBe('22.13.0');
    for (const v of ['20.19.0', '20.20.2', '22.12.0', '23.11.0']) expect(ok(v, range), v).toBe(false);
    for (const v of ['22.13.0', '22.23.5', '24.0.0', '26.1.0']) expect(ok(v, range), v).toBe(true);
  });

  it('the lockfile root carries the same engines as package.json', () => {
    expect((lock.packages[''] as { engines: { node: string } }).engines.node).toBe(range);
  });

  it('every locked dependency accepts the floor and the CI node', () => {
    const refusing = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, entry]) => {
        const { engines } = entry;
        const wanted = engines === undefined || Array.isArray(engines) ? undefined : engines.node;
        if (wanted === undefined) return [];
        return [FLOOR, CI_NODE]
          .filter((v) => !ok(v, wanted))
          .map((v) => `${path}@${entry.version ?? '?'} wants node ${wanted}, not ${v}`);
      });
    expect(refusing).toEqual([]);
  });

  it('.ci/run fetches a Node that meets engines, from the registry package of that version', () => {
    expect(ok(CI_NODE, range)).toBe(true);
    const script = read('.ci/run');
    expect(script).toMatch(/node \.ci\/node-engines\.mjs/);
    expect(script).toMatch(/"node-\$platform-\$arch@\$CI_NODE_VERSION"/);
    // Set up before npm ci and make test, so both run on it.
    const setUp = script.indexOf('if ! use_ci_node');
    expect(setUp).toBeGreaterThan(0);
    expect(setUp).toBeLessThan(script.indexOf('npm ci --no-audit'));
    expect(setUp).toBeLessThan(script.indexOf('make test'));
  });

  it("the image's Node is the floor's major line", () => {
    const image = /^ARG NODE_IMAGE=node:(\d+)-/m.exec(read('Dockerfile'))?.[1];
    expect(image).toBe(FLOOR.split('.')[0]);
    expect(CI_NODE.split('.')[0]).toBe(image);
  });

  it('the range checker reads the forms the dependencies use', () => {
    expect(ok('22.13.0', '18 || 20 || >=22')).toBe(true);
    expect(ok('21.0.0', '18 || 20 || >=22')).toBe(false);
    expect(ok('22.13.0', '^20.19.0 || ^22.13.0 || >=24')).toBe(true);
    expect(ok('22.12.0', '^20.19.0 || ^22.13.0 || >=24')).toBe(false);
    expect(ok('22.0.0', '10.* || >= 12.*')).toBe(true);
    expect(ok('11.5.0', '10.* || >= 12.*')).toBe(false);
    expect(ok('22.0.0', '>= 10.x')).toBe(true);
    expect(ok('22.0.0', '^16 || ^18 || >=20')).toBe(true);
    expect(ok('22.0.0', '>=16 <22')).toBe(false);
    expect(ok('v22.23.5', '~22.23.0')).toBe(true);
  });
});
