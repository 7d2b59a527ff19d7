// Env secrets: what the annotations ask for, already checked, so the builders only assemble the
// wrapped containers, their agent configs and the volumes that carry both.
import type { AgentBinarySource } from './injector-config.js';

export interface EnvVarSpec {
  /** The environment variable's name (the annotation suffix, case kept). */
  readonly name: string;
  /** The annotation that declared it, for findings. */
  readonly key: string;
  /** The Vault path read ("" when only a template declares the variable). */
  readonly path: string;
  /** The template text the agent renders into the variable. */
  readonly contents: string;
}

/** One container whose entrypoint becomes the agent, with the argv the agent then runs. */
export interface WrappedContainer {
  readonly name: string;
  /** Index in spec.containers: it names the config annotation (a name could exceed the key limit). */
  readonly index: number;
  /** The app's argv with Kubernetes' $(VAR) references already expanded. */
  readonly argv: readonly string[];
}

/** Where the agent binary is found, inside the agent image and inside the wrapped container. */
export interface AgentBinary {
  readonly source: AgentBinarySource;
  /** Path of the binary in the agent image, relative to its root (bin/vault, usr/bin/bao, …). */
  readonly imagePath: string;
  /** Absolute path the wrapped container runs. */
  readonly runPath: string;
}

export interface EnvSecrets {
  readonly vars: readonly EnvVarSpec[];
  readonly containers: readonly WrappedContainer[];
  readonly restart: 'always' | 'never';
  readonly stopSignal: string;
  readonly binary: AgentBinary;
}
