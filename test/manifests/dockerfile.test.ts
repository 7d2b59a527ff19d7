// Static checks of the Dockerfile (no container engine in CI): multi-stage, production
// dependencies only in the final image, non-root, and the entry point the manifests rely on.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const dockerfile = readFileSync(new URL('Dockerfile', root), 'utf8');
const dockerignore = readFileSync(new URL('.dockerignore', root), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

interface Instruction {
  readonly op: string;
  readonly args: string;
}

/** Instructions with line continuations joined and comments dropped. */
function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

const all = instructions(dockerfile);
const stages = all.reduce<Instruction[][]>((acc, ins) => {
  if (ins.op === 'FROM') acc.push([]);
  acc.at(-1)?.push(ins);
  return acc;
}, []);
const final = stages.at(-1) ?? [];
const argsOf = (op: string): string[] => final.filter((i) => i.op === op).map((i) => i.args);

describe('Dockerfile', () => {
  it('is multi-stage on Node 22, building with npm ci and npm run build', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const nodeImage = all.find((i) => i.op === 'ARG' && i.args.startsWith('NODE_IMAGE='));
    expect(nodeImage?.args).toMatch(/^NODE_IMAGE=node:22[-.\w]*$/);
    const build = stages[0]!.map((i) => i.args).join('\n');
    expect(build).toMatch(/npm ci\b/);
    expect(build).toMatch(/npm run build\b/);
  });

  it('final stage: production dependencies only and the compiled dist', () => {
    const runs = argsOf('RUN').join('\n');
    expect(runs).toMatch(/npm ci\b[^\n]*--omit=dev/);
    const copies = argsOf('COPY');
    expect(copies.some((c) => /--from=\S+\s+\S*dist\b/.test(c))).toBe(true);
    expect(copies.some((c) => /node_modules/.test(c)), 'no dev node_modules copied').toBe(false);
    expect(copies.some((c) => /package\.json/.test(c))).toBe(true);
  });

  it('runs as a numeric non-root user', () => {
    const user = argsOf('USER').at(-1);
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(user!.split(':')[0])).toBeGreaterThan(0);
  });

  it('ENTRYPOINT ["vault-injector"], CMD ["agent-inject"], EXPOSE 8080, bin on PATH', () => {
    expect(argsOf('ENTRYPOINT')).toEqual(['["vault-injector"]']);
    expect(argsOf('CMD')).toEqual(['["agent-inject"]']);
    expect(argsOf('EXPOSE')).toEqual(['8080']);
    expect(argsOf('RUN').join('\n')).toMatch(
      /ln -s \S*dist\/cli\/main\.js \/usr\/local\/bin\/vault-injector/,
    );
  });
});

describe('.dockerignore', () => {
  it('keeps local builds, dependencies and VCS data out of the context', () => {
    expect(dockerignore).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git']));
  });
});
