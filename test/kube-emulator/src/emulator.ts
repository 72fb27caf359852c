import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { ObjectService } from "./api/object-service.js";
import { seedKubernetesService, seedNamespaces, seedNodes } from "./bootstrap.js";
import {
  ControllerClient,
  controllerFactories,
  controllerNames,
  defaultControllerSettings,
  EventRecorder,
  type ControllerName,
  type ControllerSettings,
} from "./controllers/index.js";
import { seedDefaultStorageClasses } from "./controllers/storage/default-storage-classes.js";
import { seedSnapshotApi } from "./controllers/storage/snapshots/snapshot-api.js";
import { snapshotsEnabled } from "./controllers/storage/storage-controllers.js";
import type { User } from "./http/authenticate.js";
import { ContainerRuntime } from "./exec/container-runtime.js";
import { createRequestListener, createUpgradeListener } from "./http/server.js";
import { renderKubeconfig } from "./kubeconfig.js";
import { getPersona, type Persona } from "./personas/index.js";
import { ResourceRegistry } from "./registry/index.js";
import { ObjectStore } from "./store/index.js";
import { createServingCertificates } from "./tls/index.js";

export type { ControllerName, ControllerSettings };

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
  /**
   * Where volume data lives: provisioned volumes and each node's kubelet directory. A fresh
   * temporary directory, removed at stop, when not given.
   */
  dataDir?: string;
  /** Number of Node objects (node-1 … node-N). */
  nodes?: number;
  /** Events kept for watches; older resourceVersions answer 410 Gone. */
  watchHistorySize?: number;
  bookmarkIntervalMs?: number;
  /**
   * Install the CSI snapshot API (snapshot.storage.k8s.io/v1 CRDs, a VolumeSnapshotClass per
   * CSI driver) and run the snapshot controller; 1.20 personas and newer. Off by default.
   */
  volumeSnapshots?: boolean;
  /** Controllers to run; all by default. */
  controllers?: ControllerName[];
  /** Tuning of the living-cluster controllers (CronJob time scale, …). */
  controllerSettings?: Partial<ControllerSettings>;
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
  /** The CA that signs the serving certificate, with tls only (pods see the cluster CA either way). */
  caPem?: string;
  kubeSystemUid: string;
  kubeconfig: string;
  kubeconfigPath?: string;
  /** The data directory in use (see EmulatorOptions.dataDir). */
  dataDir: string;
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
  seedDefaultStorageClasses(service);
  const volumeSnapshots = snapshotsEnabled(options.volumeSnapshots, persona.minor);
  if (volumeSnapshots) seedSnapshotApi(service);
  const ownDataDir = options.dataDir ? undefined : await mkdtemp(join(tmpdir(), "lifeboat-emulator-"));
  const dataDir = options.dataDir ?? ownDataDir!;
  // Each node gets the kubelet root the kubelet lays pod volumes under.
  for (const node of nodeNames) await mkdir(join(dataDir, "nodes", node, "pods"), { recursive: true });
  const log = options.log ?? (() => {});
  const client = new ControllerClient(service);
  // Every cluster has a CA, as kube-controller-manager's --root-ca-file: served over TLS
  // only with options.tls, but published to pods and token Secrets either way.
  const certs = await createServingCertificates();
  const context = {
    service,
    client,
    events: new EventRecorder(store, log),
    dataDir,
    nodeNames,
    caPem: certs.caPem,
    settings: { ...defaultControllerSettings, ...options.controllerSettings },
    volumeSnapshots,
    log,
  };
  const running = options.controllers ?? controllerNames;
  // Pods get their ServiceAccount's token only where something makes ServiceAccounts and the
  // token's parts: the token Secret before 1.21, kube-root-ca.crt from 1.21.
  const credentials = persona.minor >= 21 ? "root-ca-cert-publisher" : "service-account-token";
  service.admission.serviceAccountTokens = running.includes("service-account") && running.includes(credentials);
  const controllers = running.map((name) => controllerFactories[name](context));
  for (const c of controllers) c.start();

  const token = randomBytes(24).toString("hex");
  const viewerToken = randomBytes(24).toString("hex");
  const users: User[] = [
    { name: "admin", token, readOnly: false },
    { name: "viewer", token: viewerToken, readOnly: true },
  ];
  const host = options.host ?? "127.0.0.1";
  let address = "";
  const runtime = new ContainerRuntime(store, dataDir);
  const serverContext = {
    persona,
    service,
    runtime,
    users,
    insecurePort: !options.tls,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 10_000,
    serverAddress: () => address,
    onRequest: options.logRequests ? log : undefined,
  };
  const listener = createRequestListener(serverContext);
  const server = options.tls ? https.createServer({ cert: certs.certPem, key: certs.keyPem }, listener) : http.createServer(listener);
  server.keepAliveTimeout = 65_000;
  const upgrades = createUpgradeListener(serverContext);
  server.on("upgrade", upgrades.listener);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  seedKubernetesService(store, persona.minor, port);
  address = `${host}:${port}`;
  const url = `${options.tls ? "https" : "http"}://${address}`;
  const name = options.name ?? `lifeboat-sandbox-${persona.version.major}-${persona.version.minor}-${port}`;
  const caPem = options.tls ? certs.caPem : undefined;
  const kubeconfig = renderKubeconfig({ name, server: url, token, caPem });
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
    caPem,
    kubeSystemUid,
    kubeconfig,
    kubeconfigPath: options.kubeconfigPath,
    dataDir,
    service,
    stop: async () => {
      for (const c of controllers) c.stop();
      await Promise.all(controllers.map((c) => c.settle?.()));
      runtime.stop();
      upgrades.destroyAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownDataDir) await rm(ownDataDir, { recursive: true, force: true });
    },
  };
}
