// The node agents open the repository with the task's access, handed over in a Secret in the
// agents' namespace for the task's life only (the hub gives the access per task; nothing keeps it).
import { toJsonString } from "@bufbuild/protobuf";
import { RepositoryAccessSchema, type RepositoryAccess } from "@lifeboat/proto";
import { createHash } from "node:crypto";
import { REPOSITORY_SECRET_KEY } from "./contract.js";
import { CORE, type KubeObjects } from "./kube-objects.js";

/** Writes (or rewrites, for a retried task) the Secret and returns its name. */
export async function putRepositorySecret(kube: KubeObjects, namespace: string, taskLabel: Record<string, string>, taskId: string, access: RepositoryAccess, signal?: AbortSignal): Promise<string> {
  const name = `lifeboat-repository-${shortHash(taskId)}`;
  const data = { [REPOSITORY_SECRET_KEY]: Buffer.from(toJsonString(RepositoryAccessSchema, access)).toString("base64") };
  const existing = await kube.get(CORE.secrets, namespace, name, signal);
  if (existing) await kube.mergePatch(CORE.secrets, namespace, name, { data }, signal);
  else await kube.create(CORE.secrets, namespace, { apiVersion: "v1", kind: "Secret", metadata: { name, namespace, labels: taskLabel }, type: "Opaque", data }, signal);
  return name;
}

export async function deleteRepositorySecret(kube: KubeObjects, namespace: string, name: string): Promise<void> {
  await kube.delete(CORE.secrets, namespace, name).catch(() => undefined);
}

/** A short stable name part for a long or arbitrary key. */
export function shortHash(key: string, length = 12): string {
  return createHash("sha256").update(key).digest("hex").slice(0, length);
}
