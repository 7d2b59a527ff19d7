// The pure checks on hand-built objects: the edges the cluster scenarios do not reach.
import { describe, expect, it } from 'vitest';
import { generateCA, generateServingCert } from '../../certs/generate.js';
import { DEFAULT_CERT_SECRET_NAME } from '../../certs/cert-store.js';
import { DEFAULT_SECRET_NAME } from '../../cli/commands/doctor.js';
import { checkCaBundle } from '../../cli/doctor/ca-bundle-check.js';
import { checkInjectorEndpoints } from '../../cli/doctor/endpoint-check.js';
import { buildOwnerIndex, topOwner } from '../../cli/doctor/owners.js';
import {
  checkJobSidecar,
  checkNotInjected,
  isMissingAgent,
  isSidecarStuck,
} from '../../cli/doctor/pod-checks.js';
import { skippedCheck } from '../../cli/doctor/skipped.js';
import { checkWebhookConfig } from '../../cli/doctor/webhook-checks.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const DAY = 86_400_000;

function mwc(hooks: Record<string, unknown>[], annotations?: Record<string, string>) {
  return { metadata: { name: 'cfg', ...(annotations ? { annotations } : {}) }, webhooks: hooks };
}

function hook(extra: Record<string, unknown> = {}, path = '/mutate') {
  return {
    name: 'h',
    clientConfig: { service: { name: 's', namespace: 'vault', path } },
    ...extra,
  };
}

describe('webhook configuration', () => {
  it('a configuration without a /mutate webhook is webhook-missing', () => {
    const found = checkWebhookConfig('cfg', mwc([hook({}, '/validate')]));
    expect(found.map((f) => [f.code, f.message])).toEqual([
      [
        'webhook-missing',
        'MutatingWebhookConfiguration cfg has no webhook whose service path is /mutate, so no pod is sent to the injector.',
      ],
    ]);
  });

  it('failurePolicy defaults to Fail; an empty caBundle is fine when cert-manager fills it', () => {
    expect(
      checkWebhookConfig(
        'cfg',
        mwc([hook({ clientConfig: { service: { path: '/mutate' }, caBundle: 'x' } })]),
      ),
    ).toEqual([]);
    const annotated = mwc([hook()], { 'cert-manager.io/inject-ca-from': 'vault/cert' });
    expect(checkWebhookConfig('cfg', annotated)).toEqual([]);
    expect(checkWebhookConfig('cfg', mwc([hook()])).map((f) => f.code)).toEqual(['cabundle-empty']);
  });
});

describe('cabundle-mismatch', () => {
  const ca = generateCA();
  const config = mwc([
    hook({ clientConfig: { service: { path: '/mutate' }, caBundle: b64(ca.certPem) } }),
  ]);
  const secretRef = { namespace: 'vault', name: 'vault-injector-certs' };
  const input = (certPem: string, now = new Date()) => ({
    configName: 'cfg',
    config,
    secretRef,
    secret: { data: { cert: b64(certPem) } },
    now,
  });

  it('a certificate signed by the bundle and still valid passes', () => {
    const leaf = generateServingCert(ca, { hosts: ['s.vault.svc'] });
    expect(checkCaBundle(input(leaf.certPem))).toEqual([]);
  });

  it('an expired serving certificate is reported on the Secret', () => {
    const leaf = generateServingCert(ca, { hosts: ['s.vault.svc'], validityDays: 1 });
    const found = checkCaBundle(input(leaf.certPem, new Date(Date.now() + 3 * DAY)));
    expect(found).toEqual([
      expect.objectContaining({
        code: 'cabundle-mismatch',
        severity: 'error',
        object: 'Secret/vault/vault-injector-certs',
        message: expect.stringMatching(/^The injector's serving certificate expired on /),
      }),
    ]);
  });

  it("cert-manager's tls.crt key is read too; an empty Secret (pre-created) is skipped", () => {
    const other = generateServingCert(generateCA(), { hosts: ['s'] });
    const tls = { ...input(''), secret: { data: { 'tls.crt': b64(other.certPem) } } };
    expect(checkCaBundle(tls).map((f) => f.object)).toEqual(['MutatingWebhookConfiguration/cfg']);
    expect(checkCaBundle({ ...input(''), secret: { data: {} } })).toEqual([]);
    expect(checkCaBundle(input('not a certificate')).map((f) => f.message)).toEqual([
      'Secret/vault/vault-injector-certs holds no readable PEM certificate under "cert".',
    ]);
  });
});

describe('no-ready-injector', () => {
  const base = { namespace: 'vault', name: 'svc', service: { status: 'ok' as const, value: {} } };
  const slice = (ready: boolean | undefined, service = 'svc') => ({
    metadata: { labels: { 'kubernetes.io/service-name': service } },
    endpoints: [{ addresses: ['10.0.0.1'], conditions: ready === undefined ? {} : { ready } }],
  });

  it("counts ready endpoints of the Service's own slices; unset ready means ready", () => {
    const ok = (items: Record<string, unknown>[]) => ({
      ...base,
      endpointSlices: { status: 'ok' as const, value: items },
    });
    expect(checkInjectorEndpoints(ok([slice(undefined)]))).toEqual([]);
    expect(checkInjectorEndpoints(ok([slice(false)])).map((f) => f.code)).toEqual([
      'no-ready-injector',
    ]);
    expect(checkInjectorEndpoints(ok([slice(true, 'other')])).map((f) => f.code)).toEqual([
      'no-ready-injector',
    ]);
  });

  it('reports a missing Service; says nothing when neither source could be read', () => {
    const forbidden = {
      status: 'forbidden' as const,
      what: 'x',
      object: 'y',
      reason: '403 Forbidden',
    };
    expect(
      checkInjectorEndpoints({
        ...base,
        service: { status: 'ok', value: undefined },
        endpointSlices: forbidden,
      })[0]?.message,
    ).toBe('Service/vault/svc, which the webhook calls, does not exist.');
    expect(
      checkInjectorEndpoints({ ...base, endpointSlices: forbidden, endpoints: forbidden }),
    ).toEqual([]);
  });
});

describe('pods', () => {
  const pod = (annotations: Record<string, string>, extra: Record<string, unknown> = {}) => ({
    metadata: { name: 'p', namespace: 'shop', annotations },
    spec: { containers: [{ name: 'app' }] },
    status: { phase: 'Running' },
    ...extra,
  });
  const inject = 'vault.hashicorp.com/agent-inject';

  it("reads agent-inject in Go's bool grammar and skips pods that show the injection", () => {
    expect(isMissingAgent(pod({ [inject]: 'T' }))).toBe(true);
    expect(isMissingAgent(pod({ [inject]: '1' }))).toBe(true);
    expect(isMissingAgent(pod({ [inject]: 'yes' }))).toBe(false);
    expect(isMissingAgent(pod({ [inject]: 'false' }))).toBe(false);
    expect(
      isMissingAgent(
        pod({ [inject]: 'true', 'vault.hashicorp.com/agent-inject-status': 'injected' }),
      ),
    ).toBe(false);
    const initOnly = {
      spec: { initContainers: [{ name: 'vault-agent-init' }], containers: [{ name: 'app' }] },
    };
    expect(isMissingAgent(pod({ [inject]: 'true' }, initOnly))).toBe(false);
    expect(isMissingAgent(pod({ [inject]: 'true' }, { status: { phase: 'Pending' } }))).toBe(true);
    expect(isMissingAgent(pod({ [inject]: 'true' }, { status: { phase: 'Failed' } }))).toBe(false);
  });

  it('a Job pod is stuck only when every app container ended and the classic sidecar runs', () => {
    const jobPod = (appState: object, agentState: object, native = false) => ({
      metadata: {
        name: 'p',
        namespace: 'shop',
        ownerReferences: [{ kind: 'Job', name: 'j', controller: true }],
      },
      spec: native
        ? { initContainers: [{ name: 'vault-agent' }], containers: [{ name: 'app' }] }
        : { containers: [{ name: 'app' }, { name: 'vault-agent' }] },
      status: {
        phase: 'Running',
        containerStatuses: [
          { name: 'app', state: appState },
          { name: 'vault-agent', state: agentState },
        ],
      },
    });
    const done = { terminated: { exitCode: 0 } };
    const running = { running: {} };
    expect(isSidecarStuck(jobPod(done, running))).toBe(true);
    expect(isSidecarStuck(jobPod(running, running))).toBe(false);
    expect(isSidecarStuck(jobPod(done, done))).toBe(false);
    expect(isSidecarStuck(jobPod(done, running, true))).toBe(false);
  });

  it('reads OpenBao pods under either prefix and knows their containers', () => {
    const bao = 'openbao.org/agent-inject';
    expect(isMissingAgent(pod({ [bao]: 'true' }))).toBe(true);
    expect(
      isMissingAgent(pod({ [bao]: 'true', 'openbao.org/agent-inject-status': 'injected' })),
    ).toBe(false);
    // openbao.org wins key by key, as the injector reads it.
    expect(isMissingAgent(pod({ [bao]: 'false', [inject]: 'true' }))).toBe(false);
    const injected = {
      spec: { initContainers: [{ name: 'openbao-agent-init' }], containers: [{ name: 'app' }] },
    };
    expect(isMissingAgent(pod({ [bao]: 'true' }, injected))).toBe(false);
  });

  it("names an OpenBao pod's prefix and product", () => {
    const out = checkNotInjected(
      pod({ 'openbao.org/agent-inject': 'true' }),
      {
        webhook: { state: 'missing', name: 'openbao-agent-injector-cfg' },
        namespaceLabels: undefined,
      },
      buildOwnerIndex([], []),
    );
    expect(out[0]?.message).toMatch(
      /^The pod has openbao\.org\/agent-inject: "true" but runs without OpenBao Agent: /,
    );
  });

  it('a Job pod with a stuck openbao-agent sidecar gets the openbao.org fix', () => {
    const job = {
      metadata: {
        name: 'p',
        namespace: 'shop',
        ownerReferences: [{ kind: 'Job', name: 'j', controller: true }],
      },
      spec: { containers: [{ name: 'app' }, { name: 'openbao-agent' }] },
      status: {
        phase: 'Running',
        containerStatuses: [
          { name: 'app', state: { terminated: { exitCode: 0 } } },
          { name: 'openbao-agent', state: { running: {} } },
        ],
      },
    };
    const out = checkJobSidecar(job, buildOwnerIndex([], []));
    expect(out[0]?.message).toContain('the openbao-agent sidecar still runs');
    expect(out[0]?.hint).toContain('openbao.org/agent-native-sidecar: "true"');
  });

  it('names the top controller, or the first owner when its own owner is unknown', () => {
    const owned = (kind: string, name: string) => ({
      metadata: {
        name: 'p',
        namespace: 'shop',
        ownerReferences: [{ kind, name, controller: true }],
      },
    });
    const rs = {
      metadata: {
        name: 'web-1',
        namespace: 'shop',
        ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }],
      },
    };
    const index = buildOwnerIndex([rs], []);
    expect(topOwner(owned('ReplicaSet', 'web-1'), index)).toBe('Deployment/shop/web');
    expect(topOwner(owned('ReplicaSet', 'gone'), index)).toBe('ReplicaSet/shop/gone');
    expect(topOwner(owned('Job', 'once'), index)).toBe('Job/shop/once');
    expect(topOwner(owned('StatefulSet', 'db'), index)).toBe('StatefulSet/shop/db');
    expect(topOwner({ metadata: { name: 'bare' } }, index)).toBeUndefined();
  });
});

describe('skipped checks', () => {
  it('403 and other failures are warnings with a fix; an unserved kind is info', () => {
    const f = (status: 'forbidden' | 'absent' | 'failed') =>
      skippedCheck({ status, what: 'list jobs in all namespaces', object: 'Job/*', reason: 'r' }, [
        'would-deny',
      ]);
    expect(f('forbidden')).toMatchObject({
      severity: 'warning',
      hint: expect.stringContaining('get and list'),
    });
    expect(f('failed').severity).toBe('warning');
    expect(f('absent')).toEqual({
      code: 'check-skipped',
      severity: 'info',
      object: 'Job/*',
      message: 'Cannot list jobs in all namespaces (r), so would-deny was not checked.',
    });
  });

  it('the --secret-name default is the Secret auto-TLS writes', () => {
    expect(DEFAULT_SECRET_NAME).toBe(DEFAULT_CERT_SECRET_NAME);
  });
});
