// kubectl against an emulator: one fleet of one cluster per describe block, shared by its
// tests, with kubectl bound to that cluster, namespaces of a test's own and, where a test
// asks for it, the emulator's request log.
import { setTimeout as sleep } from "node:timers/promises";
import type { EmulatorOptions } from "@lifeboat/kube-emulator";
import { afterAll, beforeAll } from "vitest";
import { startFleet, type Fleet, type SandboxCluster } from "../../../harness/src/kube-fleet.js";
import { kubectl, kubectlOk, type KubectlResult } from "../../../harness/src/kubectl.js";

/** Plain HTTP (the insecure port: kubectl sends no token) or HTTPS (a bearer token). */
export type Transport = "http" | "https";

export interface KubectlSessionOptions extends Omit<EmulatorOptions, "k8sVersion" | "kubeconfigPath" | "tls" | "log"> {
  /** Keep every line the emulator logs, each request it answers among them, in `requests`. */
  logRequests?: boolean;
  /**
   * Run `kubectl api-resources` once in beforeAll, so that the tests, which run side by side,
   * find kubectl's discovery cache filled. On unless false.
   */
  warmDiscoveryCache?: boolean;
}

export interface KubectlSession<O> {
  /** The fleet; there is none before the describe block's first beforeAll has run. */
  readonly fleet: Fleet;
  /** The fleet's one cluster, the target of `k` and `kr`; likewise only from beforeAll on. */
  readonly cluster: SandboxCluster;
  /** The emulator's log lines, oldest first; empty unless `logRequests` was asked for. */
  readonly requests: string[];
  /** kubectl with `args` (and `input` on stdin); its stdout, or it throws with its stderr. */
  readonly k: (args: string[], input?: string) => Promise<string>;
  /** kubectl with `args` whatever its exit code: code, stdout and stderr. */
  readonly kr: (args: string[], input?: string) => Promise<KubectlResult>;
  /** kubectl with `args` and `-o json`, parsed. */
  readonly getJson: <T = O>(args: string[]) => Promise<T>;
  /** A fresh namespace `<prefix>-<serial>`, made through apply (a JSON body) so as not to rely on kubectl's generators. */
  readonly namespace: (prefix: string) => Promise<string>;
  /**
   * Resolves once the emulator has answered a request (after index `from` of `requests`)
   * containing every fragment: kubectl's informers list before they watch from the
   * list's resourceVersion, so once the list is answered no later change can be missed.
   */
  readonly answered: (from: number, ...fragments: string[]) => Promise<void>;
}

let serialCounter = 0;

/** The next number of a counter the test file shares: names that no other test here has chosen. */
export function serial(): number {
  return ++serialCounter;
}

/**
 * Starts a fleet with one cluster of `version` over `transport` before the enclosing describe
 * block's tests and stops it after them. Call it before registering other hooks: beforeAll
 * hooks run in the order they are registered, so those hooks already see the cluster.
 * `O` is what `getJson` returns unless told otherwise.
 */
export function useKubectlCluster<O = unknown>(version: string, transport: Transport, options: KubectlSessionOptions = {}): KubectlSession<O> {
  const { warmDiscoveryCache = true, ...emulatorOptions } = options;
  const requests: string[] = [];
  let fleet: Fleet | undefined;
  beforeAll(async () => {
    fleet = await startFleet([version], {
      ...emulatorOptions,
      tls: transport === "https",
      ...(options.logRequests ? { log: (line: string) => requests.push(line) } : {}),
    });
    if (warmDiscoveryCache) await kubectlOk(fleet.clusters[0]!, ["api-resources", "-o", "name"]);
  });
  afterAll(async () => {
    await fleet?.stop();
  });

  const running = (): Fleet => {
    if (!fleet) throw new Error("the cluster is not running: read it in a hook or a test, not while the suite is collected");
    return fleet;
  };
  const k = (args: string[], input?: string) => kubectlOk(running().clusters[0]!, args, input);
  const kr = (args: string[], input?: string) => kubectl(running().clusters[0]!, args, input);
  return {
    get fleet() {
      return running();
    },
    get cluster() {
      return running().clusters[0]!;
    },
    requests,
    k,
    kr,
    getJson: async <T = O>(args: string[]): Promise<T> => JSON.parse(await k([...args, "-o", "json"])) as T,
    namespace: async (prefix: string): Promise<string> => {
      const name = `${prefix}-${serial()}`;
      await k(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name } }));
      return name;
    },
    answered: async (from: number, ...fragments: string[]): Promise<void> => {
      if (!options.logRequests) throw new Error("answered() reads the request log: start the cluster with logRequests");
      const deadline = Date.now() + 30_000;
      while (!requests.slice(from).some((l) => fragments.every((f) => l.includes(f)))) {
        if (Date.now() > deadline) throw new Error(`no request with ${fragments.join(" … ")} answered; log: ${requests.slice(from).join("\n")}`);
        await sleep(50);
      }
    },
  };
}
