import { describe, expect, it } from "vitest";
import type { JsonObject } from "../api-types.js";
import { statusErrorOf } from "../testing/status-error-of.js";
import { checkFieldSelector, fieldsForResource, resolveField } from "./field-labels.js";
import { formatFieldSelector, matchesFields, parseFieldSelector } from "./field-selector.js";

const pod: JsonObject = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "web-1", namespace: "default" },
  spec: { nodeName: "node-a", restartPolicy: "Always", serviceAccountName: "default" },
  status: { phase: "Running", podIP: "10.0.0.5", podIPs: [{ ip: "10.0.0.5" }] },
};

describe("parseFieldSelector", () => {
  it.each<[string, object[]]>([
    ["", []],
    ["metadata.name=web", [{ field: "metadata.name", operator: "=", value: "web" }]],
    ["metadata.name==web", [{ field: "metadata.name", operator: "==", value: "web" }]],
    ["status.phase!=Running", [{ field: "status.phase", operator: "!=", value: "Running" }]],
    ["b=2,a=1", [{ field: "a", operator: "=", value: "1" }, { field: "b", operator: "=", value: "2" }]],
    ["a=x\\,y\\=z\\\\", [{ field: "a", operator: "=", value: "x,y=z\\" }]],
    ["a=,,b=", [{ field: "a", operator: "=", value: "" }, { field: "b", operator: "=", value: "" }]],
    ["a = b", [{ field: "a ", operator: "=", value: " b" }]],
  ])("%j", (text, requirements) => {
    expect(parseFieldSelector(text).requirements).toEqual(requirements);
  });

  it.each<[string, string]>([
    ["metadata.name", "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
    ["a=1,bogus", "invalid selector: 'a=1,bogus'; can't understand 'bogus'"],
    ["a=b=c", "invalid field selector: unescaped character in value: 61"],
    ["a=b\\x", "invalid field selector: invalid escape sequence: \\x"],
    ["a=b\\", "invalid field selector: invalid escape sequence: \\"],
  ])("%j fails with %j", (text, message) => {
    const err = statusErrorOf(() => parseFieldSelector(text));
    expect([err.code, err.message]).toEqual([400, message]);
  });

  it("prints back with escapes", () => {
    expect(formatFieldSelector(parseFieldSelector("b!=x\\,y,a==1"))).toBe("a=1,b!=x\\,y");
  });
});

describe("matchesFields", () => {
  it.each<[string, boolean]>([
    ["metadata.name=web-1", true],
    ["metadata.name==web-2", false],
    ["metadata.name!=web-2", true],
    ["spec.nodeName=node-a,status.phase=Running", true],
    ["spec.nodeName=node-a,status.phase!=Running", false],
    ["spec.host=node-a", true],
    ["spec.schedulerName=", true],
    ["spec.hostNetwork=false", true],
    ["status.podIP=10.0.0.5", true],
    ["status.podIPs=", true],
  ])("%j on a pod is %s", (text, expected) => {
    expect(matchesFields(parseFieldSelector(text), pod, resolveField)).toBe(expected);
  });
});

describe("resolveField", () => {
  it.each<[JsonObject, string, string | undefined]>([
    [{ spec: { unschedulable: true } }, "spec.unschedulable", "true"],
    [{ spec: {} }, "spec.unschedulable", "false"],
    [{ status: { replicas: 3 } }, "status.replicas", "3"],
    [{}, "status.replicas", "0"],
    [{ status: { succeeded: 2 } }, "status.successful", "2"],
    [{ spec: { hostNetwork: true } }, "spec.hostNetwork", "true"],
    [{ type: "kubernetes.io/tls" }, "type", "kubernetes.io/tls"],
    [{ spec: { signerName: "x/y" } }, "spec.signerName", "x/y"],
    [{ spec: { list: [1] } }, "spec.list", undefined],
    [{ involvedObject: { kind: "Pod" }, source: { component: "kubelet" } }, "involvedObject.kind", "Pod"],
    [{ involvedObject: { kind: "Pod" }, source: { component: "kubelet" } }, "source", "kubelet"],
    [{ reportingComponent: "ctrl" }, "source", "ctrl"],
    [{ apiVersion: "events.k8s.io/v1", regarding: { name: "p" }, reportingController: "c" }, "regarding.name", "p"],
    [{ apiVersion: "events.k8s.io/v1", regarding: { name: "p" }, reportingController: "c" }, "involvedObject.name", "p"],
    [{ apiVersion: "events.k8s.io/v1", regarding: { name: "p" }, reportingController: "c" }, "reportingController", "c"],
    [{ apiVersion: "v1", involvedObject: { uid: "u" } }, "regarding.uid", "u"],
  ])("%j . %s = %j", (obj, field, expected) => {
    expect(resolveField(obj, field)).toBe(expected);
  });
});

describe("field labels", () => {
  it.each<[string, string, string[]]>([
    ["", "configmaps", ["metadata.name", "metadata.namespace"]],
    ["apps", "deployments", ["metadata.name", "metadata.namespace"]],
    ["apps", "replicasets", ["metadata.name", "metadata.namespace"]],
    ["", "pods", ["metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName", "spec.host"]],
    ["", "nodes", ["metadata.name", "spec.unschedulable"]],
    ["", "namespaces", ["metadata.name", "status.phase"]],
    ["", "secrets", ["metadata.name", "metadata.namespace", "type"]],
    ["", "services", ["metadata.name", "metadata.namespace", "spec.clusterIP", "spec.type"]],
    ["", "replicationcontrollers", ["metadata.name", "metadata.namespace", "status.replicas"]],
    ["batch", "jobs", ["metadata.name", "metadata.namespace", "status.successful"]],
    ["certificates.k8s.io", "certificatesigningrequests", ["metadata.name", "spec.signerName"]],
    ["", "events", ["metadata.name", "metadata.namespace", "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"]],
    ["events.k8s.io", "events", ["metadata.name", "metadata.namespace", "regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid", "regarding.apiVersion", "regarding.resourceVersion", "regarding.fieldPath", "reason", "reportingController", "source", "type"]],
  ])("%s/%s", (group, resource, labels) => {
    expect([...fieldsForResource(group, resource)].sort()).toEqual([...labels].sort());
  });

  it("takes a custom resource's scope and selectable fields into account", () => {
    expect([...fieldsForResource("example.com", "widgets", { namespaced: false, selectableFields: [".spec.color"] })]).toEqual([
      "metadata.name",
      "spec.color",
    ]);
  });

  it.each<[string, string, string, string]>([
    ["", "pods", "spec.bogus=1", "field label not supported: spec.bogus"],
    ["", "nodes", "metadata.namespace=x", "field label not supported: metadata.namespace"],
    ["apps", "replicasets", "status.replicas=0", `"status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"`],
    ["", "configmaps", "data.x=1", `"data.x" is not a known field selector: only "metadata.name", "metadata.namespace"`],
    ["batch", "jobs", "status.failed=1", `field label "status.failed" not supported for batchv1.Job`],
    ["events.k8s.io", "events", "involvedObject.name=x", "field label not supported: involvedObject.name"],
  ])("%s/%s rejects %j", (group, resource, text, message) => {
    const err = statusErrorOf(() => checkFieldSelector(parseFieldSelector(text), group, resource));
    expect([err.code, err.reason, err.message]).toEqual([400, "BadRequest", message]);
  });

  it("rejects unsupported custom resource fields with the CRD handler's wording", () => {
    const err = statusErrorOf(() => checkFieldSelector(parseFieldSelector("spec.size=1"), "example.com", "widgets", { namespaced: true }));
    expect(err.message).toBe("field label not supported: spec.size");
  });

  it("accepts supported fields", () => {
    const selector = parseFieldSelector("spec.nodeName=a,metadata.namespace=b");
    expect(checkFieldSelector(selector, "", "pods")).toBe(selector);
  });
});
