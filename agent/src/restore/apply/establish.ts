import { setTimeout as sleep } from "node:timers/promises";
import type { ItemResult } from "../types.js";
import type { ApiWriter } from "./api-writer.js";

/** Whether an item is a CustomResourceDefinition, whose resources exist only once it is Established. */
export function isCrd(result: ItemResult): boolean {
  return result.item.to.group === "apiextensions.k8s.io" && result.item.to.resource === "customresourcedefinitions";
}

/** The CRD a custom resource belongs to: CRDs are named `<plural>.<group>`. */
export function crdNameOf(to: { group: string; resource: string }): string {
  return `${to.resource}.${to.group}`;
}

export interface EstablishOptions {
  timeoutMs: number;
  pollMs?: number;
  signal?: AbortSignal;
}

/**
 * Waits until every CRD among `results` that was not failed has condition Established=True, all
 * polled together under one deadline. Returns why each CRD whose resources cannot be created is
 * unusable, by CRD name: its own failure, or that it did not establish in time (with the condition's
 * message, e.g. a names conflict). A failed poll request counts as not established yet.
 */
export async function waitForEstablished(writer: Pick<ApiWriter, "get">, results: readonly ItemResult[], options: EstablishOptions): Promise<Map<string, string>> {
  const unusable = new Map<string, string>();
  const pending = new Map<string, ItemResult>();
  for (const result of results.filter(isCrd)) {
    if (result.outcome === "failed") unusable.set(result.item.name, `its CustomResourceDefinition ${result.item.name} was not restored: ${result.message ?? "failed"}`);
    else pending.set(result.item.name, result);
  }
  const lastMessage = new Map<string, string>();
  const deadline = Date.now() + options.timeoutMs;
  while (pending.size > 0) {
    for (const [name, result] of pending) {
      const crd = await writer.get({ to: result.item.to, namespace: "", name }, options.signal).catch((err: unknown) => {
        if (options.signal?.aborted) throw options.signal.reason;
        lastMessage.set(name, (err as Error).message);
        return undefined;
      });
      const conditions = ((crd?.status as { conditions?: Array<{ type?: string; status?: string; message?: string }> } | undefined)?.conditions) ?? [];
      const established = conditions.find((c) => c.type === "Established");
      if (established?.status === "True") pending.delete(name);
      else if (established?.message) lastMessage.set(name, established.message);
    }
    if (pending.size === 0) break;
    if (Date.now() >= deadline) {
      for (const name of pending.keys()) {
        const why = lastMessage.get(name);
        unusable.set(name, `its CustomResourceDefinition ${name} was not Established within ${options.timeoutMs / 1000} s${why ? `: ${why}` : ""}`);
      }
      break;
    }
    await sleep(options.pollMs ?? 100, undefined, { signal: options.signal }).catch((err: unknown) => {
      throw options.signal?.aborted ? options.signal.reason : err;
    });
  }
  return unusable;
}
