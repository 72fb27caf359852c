import type { JsonObject } from "../../api-types.js";
import type { StoredEvent } from "../../store/index.js";
import type { Controller, ControllerContext } from "../controller.js";
import { ignoring } from "../services/ignore-status.js";
import { WorkQueue } from "../work-queue.js";

/** The ServiceAccounts every namespace gets (the controller-manager's default list). */
const ensured = ["default"];

/**
 * The service account controller (pkg/controller/serviceaccount/serviceaccounts_controller.go):
 * every active namespace has a `default` ServiceAccount, made when the namespace appears and
 * again whenever it is deleted.
 */
export class ServiceAccountsController implements Controller {
  readonly name = "service-account";
  private readonly queue: WorkQueue<string>;
  private unsubscribe?: () => void;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue((ns) => this.sync(ns), (ns, err) => ctx.log(`service accounts in ${ns}: ${String(err)}`));
  }

  start(): void {
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
      if (event.type !== "DELETED") this.queue.add(event.object.metadata.name ?? "");
    } else if (event.storageKey === "/serviceaccounts" && event.type === "DELETED" && ensured.includes(event.object.metadata.name ?? "")) {
      this.queue.add(event.namespace);
    }
  }

  private sync(namespace: string): void {
    const { client } = this.ctx;
    const ns = client.get("/namespaces", "", namespace);
    if (!ns || ns.metadata.deletionTimestamp || (ns.status as JsonObject | undefined)?.phase !== "Active") return;
    for (const name of ensured) {
      if (client.get("/serviceaccounts", namespace, name)) continue;
      // A namespace that started terminating meanwhile (403) or a racing creator (409) is fine.
      ignoring([403, 404, 409], () => client.create("/serviceaccounts", { apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace } }));
    }
  }
}
