import type { JsonObject, JsonValue, KubeObject } from "../api-types.js";
import type { ConversionFamily, Spoke } from "./types.js";
import { asArray, asObject, child, jsonEqual, pick, renameKey } from "./util.js";

/**
 * CustomResourceDefinition apiextensions.k8s.io/v1beta1 <-> v1
 * (apiextensions-apiserver pkg/apis/apiextensions/{v1,v1beta1}/conversion.go, v1beta1/defaults.go).
 *
 * v1beta1 -> v1 (after v1beta1 defaulting: scope Namespaced, versions from version,
 * names.singular/listKind, conversion strategy None, preserveUnknownFields true):
 *   spec.validation / subresources / additionalPrinterColumns are copied into every
 *   versions[] entry (validation becomes schema); spec.version is dropped;
 *   additionalPrinterColumns[].JSONPath becomes jsonPath;
 *   conversion.webhookClientConfig / conversionReviewVersions move under conversion.webhook.
 * v1 -> v1beta1:
 *   spec.version is versions[0].name; a per-version field identical in every version moves to
 *   the top level (schema as validation) and is cleared from the versions;
 *   preserveUnknownFields is always explicit.
 */

const versionFieldOrder = ["name", "served", "storage", "deprecated", "deprecationWarning", "schema", "subresources", "additionalPrinterColumns", "selectableFields"];

function mapColumns(columns: JsonValue | undefined, from: string, to: string): JsonValue | undefined {
  const list = asArray(columns);
  if (!list) return columns;
  return list.map((c) => {
    const co = asObject(c);
    return co ? renameKey({ ...co }, from, to) : c;
  });
}

function defaultV1beta1(spec: JsonObject): void {
  if (spec.scope === undefined || spec.scope === "") spec.scope = "Namespaced";
  const versions = asArray(spec.versions);
  if ((spec.version === undefined || spec.version === "") && versions && versions.length > 0) spec.version = asObject(versions[0])?.name ?? "";
  if ((!versions || versions.length === 0) && typeof spec.version === "string" && spec.version !== "") {
    spec.versions = [{ name: spec.version, served: true, storage: true }];
  }
  const names = child(spec, "names");
  if (typeof names.kind === "string" && names.kind !== "") {
    if (names.singular === undefined || names.singular === "") names.singular = names.kind.toLowerCase();
    if (names.listKind === undefined || names.listKind === "") names.listKind = `${names.kind}List`;
  }
  const conversion = child(spec, "conversion");
  if (conversion.strategy === undefined) conversion.strategy = "None";
  if (conversion.strategy === "Webhook" && (asArray(conversion.conversionReviewVersions)?.length ?? 0) === 0) conversion.conversionReviewVersions = ["v1beta1"];
  if (spec.preserveUnknownFields === undefined || spec.preserveUnknownFields === null) spec.preserveUnknownFields = true;
}

const v1beta1: Spoke = {
  toHub(obj: KubeObject): KubeObject {
    const spec = child(obj, "spec");
    defaultV1beta1(spec);
    const { version: _version, validation, subresources, additionalPrinterColumns, conversion, preserveUnknownFields, versions, ...rest } = spec;
    const perVersion: JsonObject = {};
    if (validation != null) perVersion.schema = validation;
    if (subresources != null) perVersion.subresources = subresources;
    if (additionalPrinterColumns != null) perVersion.additionalPrinterColumns = additionalPrinterColumns;
    const newVersions = (asArray(versions) ?? []).map((v) => {
      const merged: JsonObject = { ...(asObject(v) ?? {}), ...structuredClone(perVersion) };
      merged.additionalPrinterColumns = mapColumns(merged.additionalPrinterColumns, "JSONPath", "jsonPath") as JsonValue;
      if (merged.additionalPrinterColumns === undefined) delete merged.additionalPrinterColumns;
      return { ...pick(merged, versionFieldOrder), ...merged };
    });
    const newSpec: JsonObject = { ...pick(rest, ["group", "names", "scope"]), versions: newVersions };
    const conv = asObject(conversion);
    if (conv) {
      const { strategy, webhookClientConfig, conversionReviewVersions, ...convRest } = conv;
      const out: JsonObject = { strategy: strategy ?? "None" };
      if (webhookClientConfig != null || conversionReviewVersions != null) {
        const webhook: JsonObject = {};
        if (webhookClientConfig != null) webhook.clientConfig = webhookClientConfig;
        if (conversionReviewVersions != null) webhook.conversionReviewVersions = conversionReviewVersions;
        out.webhook = webhook;
      }
      newSpec.conversion = { ...out, ...convRest };
    }
    // v1's preserveUnknownFields is a bool with omitempty.
    if (preserveUnknownFields === true) newSpec.preserveUnknownFields = true;
    obj.spec = { ...newSpec, ...rest };
    return obj;
  },
  fromHub(obj: KubeObject): KubeObject {
    const spec = asObject(obj.spec);
    if (!spec) return obj;
    const { versions, conversion, preserveUnknownFields, ...rest } = spec;
    const list = (asArray(versions) ?? []).map((v) => ({ ...(asObject(v) ?? {}) }));
    const newSpec: JsonObject = pick(rest, ["group", "names", "scope"]);
    const first = list[0];
    if (first) {
      newSpec.version = first.name ?? "";
      const hoist: Array<[string, string]> = [
        ["subresources", "subresources"],
        ["schema", "validation"],
        ["additionalPrinterColumns", "additionalPrinterColumns"],
      ];
      for (const [field, top] of hoist) {
        if (!list.every((v) => jsonEqual(v[field], first[field]))) continue;
        const value = first[field];
        if (value !== undefined && value !== null) newSpec[top] = field === "additionalPrinterColumns" ? (mapColumns(value, "jsonPath", "JSONPath") as JsonValue) : value;
        for (const v of list) delete v[field];
      }
    }
    newSpec.versions = list.map((v) => {
      if (v.additionalPrinterColumns !== undefined) v.additionalPrinterColumns = mapColumns(v.additionalPrinterColumns, "jsonPath", "JSONPath") as JsonValue;
      return v;
    });
    const conv = asObject(conversion);
    if (conv) {
      const { strategy, webhook, ...convRest } = conv;
      const out: JsonObject = { strategy: strategy ?? "None" };
      const hook = asObject(webhook);
      if (hook?.clientConfig != null) out.webhookClientConfig = hook.clientConfig;
      if (hook?.conversionReviewVersions != null) out.conversionReviewVersions = hook.conversionReviewVersions;
      newSpec.conversion = { ...out, ...convRest };
    }
    newSpec.preserveUnknownFields = preserveUnknownFields === true;
    obj.spec = { ...newSpec, ...rest };
    return obj;
  },
};

export const crdFamilies: ConversionFamily[] = [
  {
    storageKey: "apiextensions.k8s.io/customresourcedefinitions",
    kind: "CustomResourceDefinition",
    hub: { group: "apiextensions.k8s.io", version: "v1" },
    spokes: { "apiextensions.k8s.io/v1beta1": v1beta1 },
  },
];
