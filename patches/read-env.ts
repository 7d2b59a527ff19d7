// Env secrets from the annotations: the variables, the containers the agent wraps, the restart
// settings and the agent binary. Undefined when the pod declares no variable.
import { ANNOTATIONS as T } from './annotation-table.js';
import * as A from './annotations.js';
import type { AnnotationReader } from './annotation-reader.js';
import {
  agentRunPath,
  describeAgentImage,
  supportsSupervisorMode,
  binaryPathInImage,
} from './agent-image.js';
import type { EnvSecrets } from './env-spec.js';
import { warning, type Finding } from './finding.js';
import type { InjectorConfig } from './injector-config.js';
import type { Flavour } from './flavours.js';
import type { Pod } from './k8s-types.js';
import { readEnvVars } from './read-env-vars.js';
import { planWrappedContainers } from './wrap-containers.js';

export interface EnvInput {
  readonly r: AnnotationReader;
  readonly pod: Pod;
  readonly cfg: InjectorConfig;
  readonly index: A.FamilyIndex;
}

interface EnvContext {
  readonly flavour: Flavour;
  readonly image: string;
  readonly configMap: string;
}

/** Settings the agent image decides: its binary's path, and whether it can run exec at all. */
function readBinary(
  input: EnvInput,
  ctx: EnvContext,
): { binary: EnvSecrets['binary']; warnings: Finding[] } {
  const { r, cfg } = input;
  const source = cfg.agentBinarySource;
  const image = describeAgentImage(ctx.image, ctx.flavour);
  if (source === 'copy' && image.distroless) {
    r.problemWithDefault(
      A.ANNOTATION_AGENT_IMAGE,
      'vaultImage',
      ctx.image,
      'this agent image has no shell, so it cannot copy its binary for env secrets; use an image with /bin/sh (not distroless), or set the injector to mount the image as a volume',
    );
  }
  const warnings: Finding[] = [];
  if (!supportsSupervisorMode(image)) {
    const min = `${image.flavour.names.product} ${image.flavour.supervisorSince.join('.')}`;
    warnings.push(
      warning(
        A.ANNOTATION_AGENT_IMAGE,
        `${ctx.image} is older than ${min}, whose agent cannot run env secrets (exec and env_template); the wrapped containers will fail to start`,
      ),
    );
  }
  return {
    binary: {
      source,
      imagePath: binaryPathInImage(image),
      runPath: agentRunPath(image, source, ctx.flavour.names),
    },
    warnings,
  };
}

export function readEnvSecrets(
  input: EnvInput,
  ctx: EnvContext,
): { env: EnvSecrets | undefined; warnings: Finding[] } {
  const { r, pod, index } = input;
  const found = readEnvVars(index, ctx.flavour.names.product);
  r.problems.push(...found.problems);
  if (found.vars.length === 0 && found.problems.length === 0)
    return { env: undefined, warnings: [] };
  if (ctx.configMap !== '') {
    r.problem(
      A.ANNOTATION_AGENT_CONFIGMAP,
      ctx.configMap,
      'cannot be combined with agent-inject-env-* annotations: the env agent config is generated; remove one of them',
    );
  }
  const containers = planWrappedContainers(r, pod, ctx.flavour.names);
  const restart = r.read(T.agentEnvRestart, 'always');
  const stopSignal = r.read(T.agentEnvRestartSignal, 'SIGTERM');
  const { binary, warnings } = readBinary(input, ctx);
  if (input.cfg.vaultCACertBytes !== '' && !r.has(A.ANNOTATION_CA_CERT)) {
    // The file agents get the bundle as VAULT_CACERT_BYTES; in the app container that variable
    // would reach the app, so the env agents go without it.
    warnings.push({
      key: 'vaultCACertBytes',
      setting: true,
      severity: 'warning',
      message: `env agents do not receive this CA bundle (it would be an env var the app inherits); mount one with ${A.ANNOTATION_TLS_SECRET} and point ${A.ANNOTATION_CA_CERT} at it`,
    });
  }
  return { env: { vars: found.vars, containers, restart, stopSignal, binary }, warnings };
}
