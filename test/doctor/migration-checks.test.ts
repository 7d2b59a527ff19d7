// The pure side of the migration checks on hand-built objects: reading managedFields, the
// flapping rule and its window, image names, and how the leader check weighs what it read.
import { describe, expect, it } from 'vitest';
import {
  checkCaBundleFlapping,
  isFlapping,
  MAX_WRITES,
  recentlyWritten,
} from '../../cli/doctor/cabundle-flapping.js';
import { caBundleWrites } from '../../cli/doctor/managed-fields.js';
import { checkOldLeader, imageName, runsOurImage } from '../../cli/doctor/old-leader-check.js';
import type { MigrationRead } from '../../cli/doctor/snapshot.js';
import { apiTime, caBundleEntry } from './migration-scenarios.js';

type Obj = Record<string, unknown>;
const NOW = new Date('2026-03-01T12:00:00Z');
const ago = (s: number): Date => new Date(NOW.getTime() - s * 1000);

function mwc(bundles: Record<string, string>, managedFields: Obj[]): Obj {
  return {
    metadata: { name: 'cfg', managedFields },
    webhooks: Object.entries(bundles).map(([name, caBundle]) => ({
      name,
      clientConfig: { service: { name: 's', namespace: 'vault', path: '/mutate' }, caBundle },
    })),
  };
}

describe('caBundleWrites', () => {
  it('reads the owner of each webhook caBundle, ignoring other fields, other webhooks and bad entries', () => {
    const config = mwc({ a: 'x' }, [
      caBundleEntry('vault-k8s', ['a'], ago(5)),
      // Owns the webhook's service, not its caBundle.
      {
        manager: 'helm',
        time: apiTime(ago(1)),
        fieldsV1: { 'f:webhooks': { 'k:{"name":"a"}': { 'f:clientConfig': { 'f:service': {} } } } },
      },
      // A webhook that is not the injector's.
      caBundleEntry('other', ['b'], ago(1)),
      // No time, and an item key that does not parse: no evidence.
      { ...caBundleEntry('no-time', ['a'], ago(1)), time: 'yesterday' },
      {
        manager: 'odd',
        time: apiTime(ago(1)),
        fieldsV1: { 'f:webhooks': { 'k:{oops': { 'f:clientConfig': { 'f:caBundle': {} } } } },
      },
    ]);
    expect(caBundleWrites(config, new Set(['a']))).toEqual([
      { manager: 'vault-k8s', webhook: 'a', time: ago(5) },
    ]);
    expect(caBundleWrites({ metadata: { managedFields: 'nope' } }, new Set(['a']))).toEqual([]);
  });
});

describe('cabundle-flapping rule', () => {
  it(`needs more than ${MAX_WRITES} write in the last minute and two different managers`, () => {
    const two = mwc({ a: 'x', b: 'y' }, [
      caBundleEntry('vault-k8s', ['a'], ago(59)),
      caBundleEntry('vault-injector', ['b'], ago(1)),
    ]);
    expect(isFlapping([two], NOW)).toBe(true);
    // One of them a second too old: a single recent write, only a reason to look again.
    const old = mwc({ a: 'x', b: 'y' }, [
      caBundleEntry('vault-k8s', ['a'], ago(61)),
      caBundleEntry('vault-injector', ['b'], ago(1)),
    ]);
    expect(isFlapping([old], NOW)).toBe(false);
    expect(recentlyWritten(old, NOW)).toBe(true);
    expect(recentlyWritten(mwc({ a: 'x' }, [caBundleEntry('x', ['a'], ago(61))]), NOW)).toBe(false);
    // The same manager writing twice is one writer, however often it writes.
    const again = mwc({ a: 'z' }, [caBundleEntry('vault-injector', ['a'], ago(0))]);
    const first = mwc({ a: 'x' }, [caBundleEntry('vault-injector', ['a'], ago(3))]);
    expect(isFlapping([first, again], NOW)).toBe(false);
  });

  it('counts what the probe saw: each change is a write by the manager that then owns the field', () => {
    const first = mwc({ a: 'x' }, [caBundleEntry('vault-injector', ['a'], ago(2))]);
    const second = mwc({ a: 'y' }, [caBundleEntry('vault-k8s', ['a'], ago(1))]);
    const third = mwc({ a: 'x' }, [caBundleEntry('vault-injector', ['a'], ago(0))]);
    const rereads = [
      { at: new Date(NOW.getTime() + 400).toISOString(), config: second },
      { at: new Date(NOW.getTime() + 800).toISOString(), config: third },
    ];
    const [found] = checkCaBundleFlapping({ configName: 'cfg', config: first, rereads, now: NOW });
    expect(found).toMatchObject({
      code: 'cabundle-flapping',
      severity: 'error',
      object: 'MutatingWebhookConfiguration/cfg',
    });
    expect(found!.message).toBe(
      "The caBundle of webhook a was written 3 times in the last minute by 2 different writers (vault-injector, vault-k8s), so the API server trusts one writer's CA and then the other's, and calls to the replicas serving the other's certificate fail. It changed 2 times while doctor read it again over 0.8 s.",
    );
    expect(
      checkCaBundleFlapping({ configName: 'cfg', config: first, rereads: [], now: NOW }),
    ).toEqual([]);
  });
});

describe('old leader', () => {
  it('knows our image by its repository name, wherever it was pushed', () => {
    expect(imageName('registry.example.com:5000/team/vault-injector:0.1.0@sha256:abc')).toBe(
      'vault-injector',
    );
    expect(imageName('vault-injector')).toBe('vault-injector');
    expect(imageName('hashicorp/vault-k8s:1.7.2')).toBe('vault-k8s');
    const pod = (image: string): Obj => ({ spec: { containers: [{ name: 'c', image }] } });
    expect(runsOurImage(pod('ghcr.io/acme/vault-injector:1'))).toBe(true);
    expect(runsOurImage(pod('ghcr.io/acme/vault-injector-sidecar:1'))).toBe(false);
  });

  it('never reports a lock whose owner runs our image, and reports each failed read once', () => {
    const lock = (name: string, pod: Obj | undefined): MigrationRead['oldLeaders'][number] => ({
      name,
      configMap: {
        status: 'ok',
        value: { metadata: { ownerReferences: [{ kind: 'Pod', name: 'p', uid: 'u' }] } },
      },
      pod: { status: 'ok', value: pod },
    });
    const ours: Obj = {
      metadata: { name: 'p', uid: 'u' },
      spec: { containers: [{ image: 'vault-injector:1' }] },
      status: { phase: 'Running' },
    };
    const other: Obj = { ...ours, metadata: { name: 'q', namespace: 'vault' } };
    const migration: MigrationRead = {
      namespace: 'vault',
      oldLeaders: [lock('vault-k8s-leader', ours)],
    };
    expect(checkOldLeader({ migration, pods: [other], ownerOf: () => undefined })).toEqual([]);

    const refused = {
      status: 'forbidden' as const,
      what: 'get ConfigMap vault/x',
      object: 'ConfigMap/vault/x',
      reason: '403 Forbidden',
    };
    const both: MigrationRead = {
      namespace: 'vault',
      oldLeaders: [
        {
          name: 'vault-k8s-leader',
          configMap: { ...refused, object: 'ConfigMap/vault/vault-k8s-leader' },
        },
        {
          name: 'openbao-k8s-leader',
          configMap: { ...refused, object: 'ConfigMap/vault/openbao-k8s-leader' },
        },
      ],
    };
    expect(
      checkOldLeader({ migration: both, pods: [], ownerOf: () => undefined }).map((f) => [
        f.code,
        f.object,
      ]),
    ).toEqual([['check-skipped', 'ConfigMap/vault/vault-k8s-leader']]);
  });
});
