// The node agent: one per node, taking the VolumeBackups and VolumeRestores labelled with its
// node and copying between the pods' volume directories there and the repository. It polls a
// label-selected list: one request per kind and period per node is little for the API server,
// and a poll never misses an object the way a broken watch can.
import { randomBytes } from "node:crypto";
import type { KubeConfig } from "@kubernetes/client-node";
import { openRepositoryWithAccess } from "@lifeboat/shared/repo";
import type { Logger } from "pino";
import { DEFAULT_AGENT_NAMESPACE, NODE_LABEL, VOLUME_RESOURCES, type VolumeObject } from "../contract.js";
import { createKubeObjects, type KubeObjects } from "../kube-objects.js";
import { claimPatch, decideClaim } from "./claim-task.js";
import type { CopyContext } from "./copy-context.js";
import { runVolumeCopy, type VolumeCopy } from "./run-volume-copy.js";

export interface NodeAgentOptions {
  kube: KubeConfig;
  /** The node this agent runs on: it takes only objects labelled data.lifeboat.io/node=<nodeName>. */
  nodeName: string;
  /** The kubelet's root directory as this process sees it (/var/lib/kubelet on a node). */
  kubeletRoot: string;
  /** Where the objects and the repository Secrets are. Default lifeboat-system. */
  namespace?: string;
  logger: Logger;
  /** Copies run at once. Default 2. */
  concurrency?: number;
  /** How often to list the objects. Default 500 ms. */
  pollMs?: number;
  /** How often a copy's progress is written to its status at most. Default 1 s. */
  progressPeriodMs?: number;
  /** For tests: the API calls and the repository opener. */
  objects?: KubeObjects;
  openRepository?: CopyContext["openRepository"];
}

export interface RunningNodeAgent {
  /** This process's id, written to status.nodeAgent of the objects it works on. */
  readonly id: string;
  /** Stops taking objects, stops the copies under way (handing them back) and waits for them. */
  stop(): Promise<void>;
}

type Kind = VolumeCopy["kind"];

export async function startNodeAgent(options: NodeAgentOptions): Promise<RunningNodeAgent> {
  const id = `${options.nodeName}-${randomBytes(6).toString("hex")}`;
  const namespace = options.namespace ?? DEFAULT_AGENT_NAMESPACE;
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const pollMs = options.pollMs ?? 500;
  const kube = options.objects ?? createKubeObjects(options.kube);
  const logger = options.logger.child({ nodeAgent: id, node: options.nodeName });
  const stopping = new AbortController();
  /** Copies under way, by kind/name: never two of one object in this process. */
  const running = new Map<string, Promise<void>>();
  const selector = `${NODE_LABEL}=${options.nodeName}`;
  const openRepository = options.openRepository ?? ((access, repoOptions) => openRepositoryWithAccess(access, repoOptions));

  async function poll(): Promise<void> {
    for (const kind of Object.keys(VOLUME_RESOURCES) as Kind[]) {
      if (running.size >= concurrency || stopping.signal.aborted) return;
      const objects = await kube.list<VolumeObject<any, unknown>>(VOLUME_RESOURCES[kind], namespace, selector, stopping.signal);
      // Oldest first, so a burst of objects is worked through in the order it was planned.
      objects.sort((a, b) => (a.metadata.creationTimestamp ?? "").localeCompare(b.metadata.creationTimestamp ?? ""));
      for (const object of objects) {
        if (running.size >= concurrency || stopping.signal.aborted) return;
        const key = `${kind}/${object.metadata.name}`;
        if (running.has(key)) continue;
        await consider({ kind, object } as VolumeCopy, key);
      }
    }
  }

  async function consider(copy: VolumeCopy, key: string): Promise<void> {
    const ref = VOLUME_RESOURCES[copy.kind];
    const { name } = copy.object.metadata;
    const decision = decideClaim(copy.object.status, id);
    if (decision.action === "leave") return;
    if (decision.action === "give-up") {
      logger.error({ kind: ref.kind, name, attempts: copy.object.status?.attempt }, "copy interrupted too often; marking it Failed");
      await kube.mergePatch(ref, namespace, name, { status: { phase: "Failed", nodeAgent: id, message: decision.message } });
      return;
    }
    try {
      await kube.mergePatch(ref, namespace, name, claimPatch(id, decision.attempt, copy.object.metadata.resourceVersion), stopping.signal);
    } catch (err) {
      // Changed or deleted since the list: the next poll sees it as it is now.
      logger.debug({ kind: ref.kind, name, reason: (err as Error).message }, "could not take the object");
      return;
    }
    if (decision.attempt > 1) logger.warn({ kind: ref.kind, name, attempt: decision.attempt }, "taking over a copy an earlier node agent process left unfinished");
    const done = runVolumeCopy(copy, {
      kube,
      kubeletRoot: options.kubeletRoot,
      logger,
      signal: stopping.signal,
      openRepository,
      progressPeriodMs: options.progressPeriodMs,
    }).finally(() => running.delete(key));
    running.set(key, done);
  }

  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> = Promise.resolve();
  const loop = (): void => {
    polling = poll()
      .catch((err: unknown) => {
        if (!stopping.signal.aborted) logger.warn({ reason: (err as Error).message }, "listing volume copies failed; trying again");
      })
      .finally(() => {
        if (!stopping.signal.aborted) timer = setTimeout(loop, pollMs);
      });
  };
  loop();
  logger.info({ namespace, kubeletRoot: options.kubeletRoot, concurrency }, "node agent started");

  return {
    id,
    async stop() {
      if (stopping.signal.aborted) return;
      stopping.abort();
      clearTimeout(timer);
      await polling;
      await Promise.all(running.values());
      logger.info("node agent stopped");
    },
  };
}
