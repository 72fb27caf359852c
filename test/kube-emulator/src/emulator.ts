import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { ObjectService } from "./api/object-service.js";
import { seedKubernetesService, seedNamespaces, seedNodes } from "./bootstrap.js";
import type { Controller, ControllerContext } from "./controllers/controller.js";
import { CrdRegistrar } from "./controllers/crd-registrar.js";
import { GarbageCollector } from "./controllers/garbage-collector.js";
import { NamespaceLifecycle } from "./controllers/namespace-lifecycle.js";
import type { User } from "./http/authenticate.js";
import { createRequestListener } from "./http/server.js";
import { renderKubeconfig } from "./kubeconfig.js";
import { getPersona, type Persona } from "./personas/index.js";
import { ResourceRegistry } from "./registry/index.js";
import { ObjectStore } from "./store/index.js";
import { createServingCertificates } from "./tls/index.js";

export type ControllerName = "namespace-lifecycle" | "garbage-collector" | "crd-registrar";
const controllerFactories: Record<ControllerName, (ctx: ControllerContext) => Controller> = {
  "crd-registrar": (ctx) => new CrdRegistrar(ctx),
  "namespace-lifecycle": (ctx) => new NamespaceLifecycle(ctx),
  "garbage-collector": (ctx) => new GarbageCollector(ctx),
};

export interface EmulatorOptions {
  /** Kubernetes version to pose as: "1.16", "1.30", … (see supportedVersions). */
  k8sVersion?: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  tls?: boolean;
  /** Write a kubeconfig for this emulator here. */
  kubeconfigPath?: string;
  /** Name of the cluster/context in the kubeconfig. */
  name?: string;
  /** Re-enable the workload APIs a stock 1.16 no longer serves (as --runtime-config does). */
  legacyApis?: boolean;
  /** Where volume data of later controllers lives (kept for the living-cluster controllers). */
  dataDir?: string;
  /** Number of Node objects the living-cluster controllers create. */
  nodes?: number;
  /** Events kept for watches; older resourceVersions answer 410 Gone. */
  watchHistorySize?: number;
  bookmarkIntervalMs?: number;
  /** Controllers to run; all by default. */
  controllers?: ControllerName[];
  log?: (line: string) => void;
  logRequests?: boolean;
}

export interface RunningEmulator {
  url: string;
  port: number;
  persona: Persona;
  /** Bearer token of the admin user written into the kubeconfig. */
  token: string;
  /** Bearer token of a read-only user, for 403 tests. */
  viewerToken: string;
  caPem?: string;
  kubeSystemUid: string;
  kubeconfig: string;
  kubeconfigPath?: string;
  service: ObjectService;
  stop(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const persona = getPersona(options.k8sVersion ?? "1.30", { legacyApis: options.legacyApis });
  const registry = new ResourceRegistry(persona);
  const store = new ObjectStore({ historySize: options.watchHistorySize });
  const service = new ObjectService(store, registry, persona.minor);
  const { kubeSystemUid } = seedNamespaces(store, persona.minor);
  const nodeNames = seedNodes(store, options.nodes ?? 1, persona.version.gitVersion);
  if (options.dataDir) {
    // Each node gets the kubelet root the living-cluster controllers lay pod volumes under.
    for (const node of nodeNames) await mkdir(join(options.dataDir, "nodes", node, "pods"), { recursive: true });
  }
  const log = options.log ?? (() => {});
  const controllers = (options.controllers ?? (Object.keys(controllerFactories) as ControllerName[])).map((name) =>
    controllerFactories[name]({ service, log }),
  );
  for (const c of controllers) c.start();

  const token = randomBytes(24).toString("hex");
  const viewerToken = randomBytes(24).toString("hex");
  const users: User[] = [
    { name: "admin", token, readOnly: false },
    { name: "viewer", token: viewerToken, readOnly: true },
  ];
  const host = options.host ?? "127.0.0.1";
  let address = "";
  const listener = createRequestListener({
    persona,
    service,
    users,
    insecurePort: !options.tls,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 10_000,
    serverAddress: () => address,
    onRequest: options.logRequests ? log : undefined,
  });
  const certs = options.tls ? await createServingCertificates() : undefined;
  const server = certs ? https.createServer({ cert: certs.certPem, key: certs.keyPem }, listener) : http.createServer(listener);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  seedKubernetesService(store, persona.minor, port);
  address = `${host}:${port}`;
  const url = `${certs ? "https" : "http"}://${address}`;
  const name = options.name ?? `lifeboat-sandbox-${persona.version.major}-${persona.version.minor}-${port}`;
  const kubeconfig = renderKubeconfig({ name, server: url, token, caPem: certs?.caPem });
  if (options.kubeconfigPath) {
    await mkdir(dirname(options.kubeconfigPath), { recursive: true });
    await writeFile(options.kubeconfigPath, kubeconfig, { mode: 0o600 });
  }
  return {
    url,
    port,
    persona,
    token,
    viewerToken,
    caPem: certs?.caPem,
    kubeSystemUid,
    kubeconfig,
    kubeconfigPath: options.kubeconfigPath,
    service,
    stop: async () => {
      for (const c of controllers) c.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
