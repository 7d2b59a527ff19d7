// How the agent logs in to Vault: the service-account token it uses, the auth method's config and,
// for AWS IRSA, what it copies from the app.
import { posix } from 'node:path';
import { ANNOTATIONS as T } from './annotation-table.js';
import * as A from './annotations.js';
import type { AnnotationReader } from './annotation-reader.js';
import type { AgentSpec, ServiceAccountToken } from './agent-spec.js';
import type { InjectorConfig } from './injector-config.js';
import type { InjectorNames } from './injector-names.js';
import type { EnvVar, Pod, VolumeMount } from './k8s-types.js';
import { findServiceAccountToken, projectedAgentToken } from './service-account.js';

const AWS_ENV = ['AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_DEFAULT_REGION', 'AWS_REGION'];
const MIN_TOKEN_EXPIRATION = 600;
/** The API server rejects a projected token expiration above 2^32 seconds. */
const MAX_TOKEN_EXPIRATION = 2 ** 32;

export function readAuthConfig(
  index: A.FamilyIndex,
  token: ServiceAccountToken | undefined,
  role: string,
): Record<string, string> {
  const config: Record<string, string> = {};
  // token_path is set for every auth method, not only kubernetes, as vault-k8s does: a jwt or
  // custom method reading the same token needs no extra annotation.
  if (token && token.mountPath !== '' && token.tokenPath !== '') {
    config.token_path = posix.join(token.mountPath, token.tokenPath);
  }
  for (const [suffix, value] of index.get(A.PREFIX_AUTH_CONFIG) ?? []) {
    config[suffix.replace(/-/g, '_')] = value;
  }
  if (role !== '') config.role = role;
  return config;
}

function projectedToken(
  r: AnnotationReader,
  cfg: InjectorConfig,
  names: InjectorNames,
): ServiceAccountToken {
  const audience = r.read(T.agentServiceAccountTokenAudience, cfg.saTokenAudience);
  const key = A.ANNOTATION_AGENT_SA_TOKEN_EXPIRATION_SECONDS;
  const expiration = r.int(key, cfg.saTokenExpirationSeconds);
  if (expiration < MIN_TOKEN_EXPIRATION || expiration > MAX_TOKEN_EXPIRATION) {
    r.problemWithDefault(
      key,
      'saTokenExpirationSeconds',
      String(expiration),
      `expected between ${MIN_TOKEN_EXPIRATION} and ${MAX_TOKEN_EXPIRATION} seconds (the limits Kubernetes accepts)`,
    );
  }
  return projectedAgentToken(audience, expiration, names);
}

/** Whether the injector projects a token of its own for the agent rather than reusing the app's. */
export function projectsOwnToken(
  r: AnnotationReader,
  pod: Pod,
  cfg: InjectorConfig,
  names: InjectorNames,
): boolean {
  const volumeName = r.read(T.agentServiceAccountTokenVolumeName, '');
  // A ConfigMap's own agent config may hard-code the app's token path: keep vault-k8s's discovery
  // there whenever the app has a token mount, and project a token only when it has none.
  const configMapReuse =
    r.read(T.agentConfigmap, '') !== '' && findServiceAccountToken(pod, '', names).ok;
  return cfg.saTokenProjection && volumeName === '' && !configMapReuse;
}

export function readServiceAccount(
  r: AnnotationReader,
  pod: Pod,
  cfg: InjectorConfig,
  names: InjectorNames,
): ServiceAccountToken | undefined {
  if (projectsOwnToken(r, pod, cfg, names)) return projectedToken(r, cfg, names);
  const volumeName = r.read(T.agentServiceAccountTokenVolumeName, '');
  const found = findServiceAccountToken(pod, volumeName, names);
  if (found.ok) return found.token;
  if (volumeName !== '') {
    r.problem(A.ANNOTATION_AGENT_SERVICE_ACCOUNT_TOKEN_VOLUME_NAME, volumeName, found.message);
    return undefined;
  }
  // Without the annotation, the pod itself lacks a token mount: name the field, not an absent
  // annotation, and the setting that would give the agent a token of its own.
  r.problems.push({
    key: 'spec.containers[].volumeMounts',
    message: found.message,
    orSetting: 'saTokenProjection',
  });
  return undefined;
}

function copiedAwsEnv(pod: Pod, authConfig: Readonly<Record<string, string>>): EnvVar[] {
  const env = (pod.spec?.containers ?? []).flatMap((c) => c.env ?? []);
  const out: EnvVar[] = [];
  for (const name of AWS_ENV) {
    // auth-config-region wins over an AWS_REGION copied from the app, instead of a duplicate entry.
    if (name === 'AWS_REGION' && authConfig.region !== undefined) continue;
    const found = env.find((e) => e.name === name && e.value !== undefined);
    if (found?.value !== undefined) out.push({ name, value: found.value });
  }
  if (authConfig.region !== undefined) out.push({ name: 'AWS_REGION', value: authConfig.region });
  return out;
}

export function readAws(
  pod: Pod,
  authType: string,
  authConfig: Readonly<Record<string, string>>,
): AgentSpec['aws'] {
  if (authType !== 'aws') return { mount: undefined, env: [] };
  const mount: VolumeMount | undefined = (pod.spec?.containers ?? [])
    .flatMap((c) => c.volumeMounts ?? [])
    .find((m) => m.mountPath.includes('eks.amazonaws.com'));
  return {
    mount: mount && { name: mount.name, readOnly: true, mountPath: mount.mountPath },
    env: copiedAwsEnv(pod, authConfig),
  };
}
