// The OpenBao flavour's reading of annotations: the engine's view, findings renamed back to the
// user's keys, and rewrite mode's stored annotations.
import { describe, expect, it } from 'vitest';
import {
  annotationView,
  presentFinding,
  rewrittenAnnotations,
} from '../../patches/flavour-annotations.js';
import { chooseFlavour, OPENBAO_FLAVOUR, VAULT_FLAVOUR } from '../../patches/flavours.js';
import { DEFAULT_INJECTOR_CONFIG } from '../../patches/injector-config.js';

const REWRITE = { rewriteVaultAnnotations: true };

describe('chooseFlavour', () => {
  it.each([
    [{ 'openbao.org/agent-inject': 'true' }, DEFAULT_INJECTOR_CONFIG, 'OpenBao', false],
    [{ 'openbao.org/agent-inject': 'false' }, DEFAULT_INJECTOR_CONFIG, 'OpenBao', false],
    [{ 'vault.hashicorp.com/agent-inject': 'true' }, DEFAULT_INJECTOR_CONFIG, 'Vault', false],
    [{ 'openbao.org/role': 'x' }, DEFAULT_INJECTOR_CONFIG, 'Vault', false],
    [{ 'vault.hashicorp.com/agent-inject': 'true' }, REWRITE, 'OpenBao', true],
  ])('%j → %s (rewrite %s)', (annotations, cfg, product, rewrite) => {
    const f = chooseFlavour(annotations, cfg);
    expect([f.names.product, f.rewrite]).toEqual([product, rewrite]);
  });
});

describe('annotationView', () => {
  it('is the pod itself for Vault pods', () => {
    const a = { 'vault.hashicorp.com/role': 'x', 'openbao.org/role': 'y' };
    expect(annotationView(a, VAULT_FLAVOUR)).toBe(a);
  });

  it('reads openbao.org keys under the engine prefix, winning over vault.hashicorp.com ones', () => {
    const view = annotationView(
      {
        'vault.hashicorp.com/role': 'web',
        'openbao.org/role': 'api',
        'vault.hashicorp.com/log-level': 'debug',
        'openbao.org/agent-inject-secret-db': 'secret/db',
        'app.kubernetes.io/name': 'web',
      },
      OPENBAO_FLAVOUR,
    );
    expect(view).toEqual({
      'vault.hashicorp.com/role': 'api',
      'vault.hashicorp.com/log-level': 'debug',
      'vault.hashicorp.com/agent-inject-secret-db': 'secret/db',
      'app.kubernetes.io/name': 'web',
    });
  });
});

describe('presentFinding', () => {
  const pod = { 'openbao.org/agent-inject': 'true', 'vault.hashicorp.com/log-level': 'x' };
  it.each([
    ['vault.hashicorp.com/log-level', 'vault.hashicorp.com/log-level'],
    ['vault.hashicorp.com/agent-inject', 'openbao.org/agent-inject'],
    ['vault.hashicorp.com/role', 'openbao.org/role'],
    ['spec.volumes[].name', 'spec.volumes[].name'],
  ])('%s is shown as %s', (key, shown) => {
    const f = presentFinding({ key, severity: 'error', message: 'm' }, pod, OPENBAO_FLAVOUR);
    expect(f.key).toBe(shown);
  });

  // The product word is the flavour's where the message is made (parse-annotations, lint...): a
  // "Vault" left in a message names Vault itself, e.g. an image or a Vault Enterprise namespace.
  it('renames keys inside the message and the suggestion, never the words around them', () => {
    const f = presentFinding(
      {
        key: 'vault.hashicorp.com/agent-limit-cpu',
        severity: 'error',
        message: 'no OpenBao role: set vault.hashicorp.com/role (hashicorp/vault is Vault 1.13)',
        suggestion: 'vault.hashicorp.com/agent-limits-cpu',
      },
      pod,
      OPENBAO_FLAVOUR,
    );
    expect(f).toEqual({
      key: 'openbao.org/agent-limit-cpu',
      severity: 'error',
      message: 'no OpenBao role: set openbao.org/role (hashicorp/vault is Vault 1.13)',
      suggestion: 'openbao.org/agent-limits-cpu',
    });
  });
});

describe('rewrittenAnnotations', () => {
  const rewriting = chooseFlavour({}, REWRITE);
  it('moves every vault.hashicorp.com key; an existing openbao.org key keeps its value', () => {
    expect(
      rewrittenAnnotations(
        {
          'vault.hashicorp.com/role': 'web',
          'openbao.org/role': 'api',
          'vault.hashicorp.com/future-annotation': 'kept',
          other: 'o',
        },
        rewriting,
      ),
    ).toEqual({ 'openbao.org/role': 'api', 'openbao.org/future-annotation': 'kept', other: 'o' });
  });

  it('leaves the annotations alone without rewriting', () => {
    const a = { 'vault.hashicorp.com/role': 'web' };
    expect(rewrittenAnnotations(a, OPENBAO_FLAVOUR)).toBe(a);
  });
});
