import { describe, expect, it } from "vitest";
import type { KubeObject } from "../api-types.js";
import { convertObject } from "./index.js";

const toV1 = { group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition" };
const toV1beta1 = { group: "apiextensions.k8s.io", version: "v1beta1", kind: "CustomResourceDefinition" };
const schema = { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { size: { type: "integer" } } } } } };

const v1beta1Crd: KubeObject = {
  apiVersion: "apiextensions.k8s.io/v1beta1",
  kind: "CustomResourceDefinition",
  metadata: { name: "widgets.example.com" },
  spec: {
    group: "example.com",
    version: "v1",
    names: { plural: "widgets", kind: "Widget", shortNames: ["wd"] },
    scope: "Namespaced",
    validation: schema,
    subresources: { status: {}, scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas" } },
    additionalPrinterColumns: [{ name: "Size", type: "integer", JSONPath: ".spec.size" }],
  },
  status: { acceptedNames: { plural: "widgets", kind: "Widget" }, storedVersions: ["v1"], conditions: [{ type: "Established", status: "True" }] },
};

describe("CustomResourceDefinition v1beta1 <-> v1", () => {
  const v1 = convertObject(v1beta1Crd, toV1);

  it("moves top-level fields into versions and applies v1beta1 defaults", () => {
    expect(v1).toEqual({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "widgets.example.com" },
      spec: {
        group: "example.com",
        names: { plural: "widgets", kind: "Widget", shortNames: ["wd"], singular: "widget", listKind: "WidgetList" },
        scope: "Namespaced",
        versions: [
          {
            name: "v1",
            served: true,
            storage: true,
            schema,
            subresources: { status: {}, scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas" } },
            additionalPrinterColumns: [{ name: "Size", type: "integer", jsonPath: ".spec.size" }],
          },
        ],
        conversion: { strategy: "None" },
        preserveUnknownFields: true,
      },
      status: v1beta1Crd.status,
    });
    expect(Object.keys(v1.spec as object)).toEqual(["group", "names", "scope", "versions", "conversion", "preserveUnknownFields"]);
  });

  it("round-trips modulo v1beta1 defaults", () => {
    const back = convertObject(v1, toV1beta1);
    expect(back).toEqual({
      ...v1beta1Crd,
      spec: {
        ...(v1beta1Crd.spec as object),
        names: { plural: "widgets", kind: "Widget", shortNames: ["wd"], singular: "widget", listKind: "WidgetList" },
        versions: [{ name: "v1", served: true, storage: true }],
        conversion: { strategy: "None" },
        preserveUnknownFields: true,
      },
    });
  });

  it("keeps differing per-version fields per version, and hoists identical ones", () => {
    const multi: KubeObject = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "gadgets.example.com" },
      spec: {
        group: "example.com",
        names: { plural: "gadgets", singular: "gadget", kind: "Gadget", listKind: "GadgetList" },
        scope: "Cluster",
        versions: [
          { name: "v2", served: true, storage: true, schema, subresources: { status: {} }, additionalPrinterColumns: [{ name: "A", type: "string", jsonPath: ".a" }] },
          { name: "v1", served: true, storage: false, deprecated: true, schema: { openAPIV3Schema: { type: "object" } }, subresources: { status: {} } },
        ],
        conversion: { strategy: "Webhook", webhook: { clientConfig: { service: { namespace: "x", name: "conv", path: "/convert", port: 443 } }, conversionReviewVersions: ["v1"] } },
      },
    };
    const beta = convertObject(multi, toV1beta1);
    expect(beta.spec).toEqual({
      group: "example.com",
      names: { plural: "gadgets", singular: "gadget", kind: "Gadget", listKind: "GadgetList" },
      scope: "Cluster",
      version: "v2",
      subresources: { status: {} },
      versions: [
        { name: "v2", served: true, storage: true, schema, additionalPrinterColumns: [{ name: "A", type: "string", JSONPath: ".a" }] },
        { name: "v1", served: true, storage: false, deprecated: true, schema: { openAPIV3Schema: { type: "object" } } },
      ],
      conversion: { strategy: "Webhook", webhookClientConfig: { service: { namespace: "x", name: "conv", path: "/convert", port: 443 } }, conversionReviewVersions: ["v1"] },
      preserveUnknownFields: false,
    });
    expect(convertObject(beta, toV1)).toEqual(multi);
  });

  it("defaults scope and versions of a minimal v1beta1 CRD", () => {
    const minimal: KubeObject = {
      apiVersion: "apiextensions.k8s.io/v1beta1",
      kind: "CustomResourceDefinition",
      metadata: { name: "things.example.com" },
      spec: { group: "example.com", version: "v1alpha1", names: { plural: "things", kind: "Thing" } },
    };
    expect(convertObject(minimal, toV1).spec).toMatchObject({
      scope: "Namespaced",
      versions: [{ name: "v1alpha1", served: true, storage: true }],
      conversion: { strategy: "None" },
      preserveUnknownFields: true,
    });
  });
});
