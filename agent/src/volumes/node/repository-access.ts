// The repository access of one copy, from the Secret the cluster agent wrote for its task. The
// access carries the repository password and storage keys: it is never logged or put in a message.
import { fromJsonString } from "@bufbuild/protobuf";
import { RepositoryAccessSchema, type RepositoryAccess } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared";
import { REPOSITORY_SECRET_KEY } from "../contract.js";
import { CORE, type KubeObjects } from "../kube-objects.js";

/** NOT_FOUND when the Secret or its key is missing; INVALID_ARGUMENT when the key holds no RepositoryAccess. */
export async function readRepositoryAccess(kube: KubeObjects, namespace: string, secretName: string, signal?: AbortSignal): Promise<RepositoryAccess> {
  const secret = await kube.get<{ data?: Record<string, string> }>(CORE.secrets, namespace, secretName, signal);
  if (!secret) {
    throw new LifeboatError("NOT_FOUND", `repository Secret ${namespace}/${secretName} not found: the task that wrote it may have ended`, { field: "spec.repositorySecret", value: secretName });
  }
  const encoded = secret.data?.[REPOSITORY_SECRET_KEY];
  if (!encoded) {
    throw new LifeboatError("NOT_FOUND", `repository Secret ${namespace}/${secretName} has no key "${REPOSITORY_SECRET_KEY}"`, { field: "spec.repositorySecret", value: secretName });
  }
  try {
    return fromJsonString(RepositoryAccessSchema, Buffer.from(encoded, "base64").toString("utf8"));
  } catch {
    // The parser's message may quote the content: say only where it is.
    throw new LifeboatError("INVALID_ARGUMENT", `repository Secret ${namespace}/${secretName} key "${REPOSITORY_SECRET_KEY}" is not a RepositoryAccess in proto JSON`, {
      field: "spec.repositorySecret",
      value: secretName,
    });
  }
}
