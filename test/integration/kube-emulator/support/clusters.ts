// Which emulators a suite runs against, and their lifetime: one emulator per describe block,
// shared by its tests, each of which works in a namespace of its own.
import { randomBytes } from "node:crypto";
import { startEmulator, type ControllerName, type EmulatorOptions, type RunningEmulator } from "@lifeboat/kube-emulator";
import { afterAll, beforeAll } from "vitest";

/**
 * The oldest and the newest persona, each over plain HTTP and over HTTPS. Suites run on all
 * four because behaviour differs both by version (served groups, defaults) and by transport
 * (plain HTTP without credentials is the insecure port; HTTPS asks for a token).
 */
export const personaGrid = [
  ["1.16", false],
  ["1.16", true],
  ["1.30", false],
  ["1.30", true],
] as const;

/**
 * The controllers the API itself needs (CRDs, namespace deletion, garbage collection) and no
 * more: suites about API semantics write status and pods themselves and must not race the
 * living-cluster controllers.
 */
export const apiControllers: ControllerName[] = ["crd-registrar", "namespace-lifecycle", "garbage-collector"];

export interface EmulatorHandle {
  /** The running emulator; there is none before the describe block's first beforeAll has run. */
  readonly emulator: RunningEmulator;
}

/**
 * Starts an emulator before the enclosing describe block's tests and stops it after them.
 * Call it before registering other hooks: beforeAll hooks run in the order they are
 * registered (vitest's default "stack" order), so those hooks already see the emulator.
 */
export function useEmulator(options: EmulatorOptions): EmulatorHandle {
  let emulator: RunningEmulator | undefined;
  beforeAll(async () => {
    emulator = await startEmulator(options);
  });
  afterAll(async () => {
    await emulator?.stop();
  });
  return {
    get emulator(): RunningEmulator {
      if (!emulator) throw new Error("the emulator is not running: read it in a hook or a test, not while the suite is collected");
      return emulator;
    },
  };
}

/** A name no other test chose: tests share one emulator, so each keeps to a namespace of its own. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}
