import { formatGroupVersion, type KubeObject } from "../api-types.js";
import type { ControllerContext } from "../controllers/controller.js";

const leasesKey = "coordination.k8s.io/leases";
const leaseNamespace = "kube-node-lease";
/** The kubelet's defaults: a 40 s lease renewed every quarter of it (nodeLeaseDurationSeconds, renewIntervalFraction). */
const leaseDurationSeconds = 40;
const renewIntervalMs = 10_000;

/** metav1.MicroTime: RFC 3339 with microseconds. */
function microTime(at: Date): string {
  return at.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/**
 * The node heartbeat of 1.14 and later (pkg/kubelet/nodelease): a Lease per node in
 * kube-node-lease, held by the node and owned by its Node object, renewed every 10 s.
 */
export class NodeLeases {
  private timer?: NodeJS.Timeout;

  constructor(private readonly ctx: ControllerContext) {}

  start(): void {
    if (!this.ctx.service.registry.storageVersionOf(leasesKey)) return;
    this.renew();
    this.timer = setInterval(() => this.renew(), renewIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private renew(): void {
    const { client } = this.ctx;
    const renewTime = microTime(new Date());
    for (const nodeName of this.ctx.nodeNames) {
      try {
        const node = client.get("/nodes", "", nodeName);
        if (!node) continue;
        const current = client.get(leasesKey, leaseNamespace, nodeName);
        if (current) {
          client.update(leasesKey, { ...current, spec: { ...(current.spec as object), renewTime } } as KubeObject);
          continue;
        }
        client.create(leasesKey, {
          apiVersion: formatGroupVersion(client.info(leasesKey)),
          kind: "Lease",
          metadata: {
            name: nodeName,
            namespace: leaseNamespace,
            ownerReferences: [{ apiVersion: "v1", kind: "Node", name: nodeName, uid: node.metadata.uid ?? "" }],
          },
          spec: { holderIdentity: nodeName, leaseDurationSeconds, renewTime },
        });
      } catch (err) {
        this.ctx.log(`kubelet: lease of ${nodeName}: ${String(err)}`);
      }
    }
  }
}
