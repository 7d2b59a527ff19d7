// doctor lints workloads through the same flavour-aware entry point as the webhook and `lint`: a
// healthy OpenBao Deployment gets no finding, a typo in one is named in openbao.org/ spelling, and
// caveats the user acknowledged by an annotation (info) are no finding either.
import { afterEach, describe, expect, it } from 'vitest';
import { seedHealthy } from './scenarios.js';
import { DoctorCluster, doctorInProcess, parseReport } from './support.js';

const fake = new DoctorCluster();

afterEach(async () => {
  await fake.stop();
});

function deployment(name: string, annotations: Record<string, string>): Record<string, unknown> {
  const app = { name: 'app', image: 'busybox', command: ['/app/server'] };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop' },
    spec: {
      template: {
        metadata: { labels: { app: name }, annotations },
        spec: { serviceAccountName: name, containers: [app] },
      },
    },
  };
}

async function doctorWith(annotations: Record<string, string>) {
  const kubeconfig = await fake.start((a) => {
    seedHealthy(a);
    a.add('deployments', deployment('vault-less', annotations));
  });
  const run = await doctorInProcess(['--kubeconfig', kubeconfig, '-o', 'json']);
  expect(run.stderr).toBe('');
  return { code: run.code, report: parseReport(run.stdout) };
}

describe('doctor on OpenBao workloads', () => {
  it('a healthy openbao.org/agent-inject "true" Deployment gets no lint finding', async () => {
    const { code, report } = await doctorWith({
      'openbao.org/agent-inject': 'true',
      'openbao.org/role': 'web',
      'openbao.org/agent-inject-secret-db': 'database/creds/web',
    });
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    expect(report.summary).toMatchObject({ warnings: 0, workloadsChecked: 7 });
  });

  it("a typo in an OpenBao Deployment's template is suggested in openbao.org/ spelling", async () => {
    const { report } = await doctorWith({
      'openbao.org/agent-inject': 'true',
      'openbao.org/role': 'web',
      'openbao.org/agent-inject-secret-db': 'database/creds/web',
      'openbao.org/agent-pre-populat': 'false',
    });
    const lint = report.findings.filter((f) => f.code === 'lint');
    expect(lint.map((f) => f.object)).toEqual(['Deployment/shop/vault-less']);
    expect(lint[0]!.message).toBe(
      "Its pod template's vault annotations have problems: openbao.org/agent-pre-populat: unknown annotation, ignored (did you mean openbao.org/agent-pre-populate?).",
    );
  });
});

describe('doctor on workloads with env secrets', () => {
  const ENV = {
    'vault.hashicorp.com/agent-inject': 'true',
    'vault.hashicorp.com/role': 'web',
    'vault.hashicorp.com/agent-inject-env-DB_PASSWORD': 'secret/data/web#password',
    'vault.hashicorp.com/agent-env-restart-signal': 'SIGTERM',
  };

  it('caveats acknowledged by agent-env-containers are no lint finding', async () => {
    const { code, report } = await doctorWith({
      ...ENV,
      'vault.hashicorp.com/agent-env-containers': 'app',
    });
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
  });

  it('unacknowledged, they are', async () => {
    const { report } = await doctorWith(ENV);
    const lint = report.findings.filter((f) => f.code === 'lint');
    expect(lint).toHaveLength(1);
    expect(lint[0]!.message).toContain(
      'kubectl exec, exec probes and lifecycle hooks do not see them',
    );
  });
});
