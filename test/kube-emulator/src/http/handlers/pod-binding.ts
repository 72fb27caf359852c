import type { JsonObject, ResourceInfo } from "../../api-types.js";
import type { ObjectService } from "../../api/object-service.js";
import { isJsonObject } from "../../api/object-meta.js";
import { bindPod } from "../../api/pod-binding.js";
import { badRequest, invalid, notFound } from "../status-error.js";

/** The Status a successful connect-style create answers with (the create handler fills in the code). */
export const createdStatus: JsonObject = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 };

/**
 * POST .../pods/{name}/binding: the Binding body checked as BindingREST.Create and
 * ValidatePodBinding check it, then the binding itself (api/pod-binding.ts).
 */
export function handleBinding(service: ObjectService, info: ResourceInfo, ns: string | undefined, name: string, body: unknown, dryRun: boolean): JsonObject {
  const binding = isJsonObject(body) ? body : {};
  const meta = isJsonObject(binding.metadata) ? binding.metadata : {};
  if (meta.name !== name) throw badRequest("name in URL does not match name in Binding object");
  const target = isJsonObject(binding.target) ? binding.target : {};
  const node = typeof target.name === "string" ? target.name : "";
  if (target.kind !== undefined && target.kind !== "" && target.kind !== "Node") {
    throw invalid("", "Binding", name, [{ reason: "FieldValueNotSupported", message: `Unsupported value: "${String(target.kind)}": supported values: "Node", "<empty>"`, field: "target.kind" }]);
  }
  if (node === "") throw invalid("", "Binding", name, [{ reason: "FieldValueRequired", message: "Required value", field: "target.name" }]);
  if (dryRun) {
    if (!service.store.get(info.storageKey, ns ?? "", name)) throw notFound("", "pods", name);
    return createdStatus;
  }
  const annotations = isJsonObject(meta.annotations) ? (meta.annotations as Record<string, string>) : undefined;
  bindPod(service, ns ?? "", name, { nodeName: node, annotations, uid: typeof meta.uid === "string" && meta.uid ? meta.uid : undefined });
  return createdStatus;
}
