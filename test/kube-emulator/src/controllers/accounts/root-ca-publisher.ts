import type { KubeObject } from "../../api-types.js";
import type { StoredEvent } from "../../store/index.js";
import type { Controller, ControllerContext } from "../controller.js";
import { ignoring } from "../services/ignore-status.js";
import { WorkQueue } from "../work-queue.js";

export const rootCaConfigMapName = "kube-root-ca.crt";
const descriptionAnnotation = "kubernetes.io/description";
const description =
  "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. " +
  "No other usage is guaranteed across distributions of Kubernetes clusters.";

/**
 * The root CA certificate publisher (pkg/controller/certificates/rootcacertpublisher): every
 * namespace holds a `kube-root-ca.crt` ConfigMap whose `ca.crt` is the cluster CA, made
 * again when deleted and put back when edited. Upstream runs it from 1.20 (RootCAConfigMap
 * on by default); the ConfigMap carries its kubernetes.io/description annotation from 1.22.
 */
export class RootCaPublisher implements Controller {
  readonly name = "root-ca-cert-publisher";
  private readonly queue: WorkQueue<string>;
  private readonly enabled: boolean;
  private readonly annotated: boolean;
  private unsubscribe?: () => void;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue((ns) => this.sync(ns), (ns, err) => ctx.log(`root CA publisher: namespace ${ns}: ${String(err)}`));
    this.enabled = ctx.service.minor >= 20;
    this.annotated = ctx.service.minor >= 22;
  }

  start(): void {
    if (!this.enabled) return;
    const store = this.ctx.service.store;
    for (const ns of store.list("/namespaces").items) this.queue.add(ns.metadata.name ?? "");
    this.unsubscribe = store.subscribe((e) => this.observe(e));
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue.stop();
  }

  private observe(event: StoredEvent): void {
    if (event.storageKey === "/namespaces") {
      // namespaceAdded takes every namespace; namespaceUpdated only active ones.
      if (event.type === "ADDED" || (event.type === "MODIFIED" && (event.object.status as { phase?: string } | undefined)?.phase === "Active")) {
        this.queue.add(event.object.metadata.name ?? "");
      }
    } else if (event.storageKey === "/configmaps" && event.type !== "ADDED" && event.object.metadata.name === rootCaConfigMapName) {
      this.queue.add(event.namespace);
    }
  }

  private sync(namespace: string): void {
    const { client } = this.ctx;
    const data = { "ca.crt": this.ctx.caPem };
    const annotations = this.annotated ? { [descriptionAnnotation]: description } : undefined;
    const current = client.get("/configmaps", namespace, rootCaConfigMapName);
    if (!current) {
      if (!client.get("/namespaces", "", namespace)) return;
      const cm: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: rootCaConfigMapName, namespace, ...(annotations ? { annotations } : {}) }, data };
      // A namespace gone (404) or terminating (403) gets none, and is not retried.
      ignoring([403, 404, 409], () => client.create("/configmaps", cm));
      return;
    }
    const sameData = JSON.stringify(current.data ?? {}) === JSON.stringify(data);
    // Any description will do: only a missing one is put back (so two writers cannot duel).
    const described = !this.annotated || !!current.metadata.annotations?.[descriptionAnnotation];
    if (sameData && described) return;
    const metadata = annotations ? { ...current.metadata, annotations: { ...current.metadata.annotations, ...annotations } } : current.metadata;
    ignoring([404, 409], () => client.update("/configmaps", { ...current, metadata, data }));
  }
}
