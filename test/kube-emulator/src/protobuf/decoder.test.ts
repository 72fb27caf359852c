import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { describe, expect, it } from "vitest";
import { KubernetesProtobufError, decodeKubernetesProtobuf, isKubernetesProtobuf, kubernetesSchemas } from "./index.js";
import { formatTime } from "./specials.js";

/** A field to encode: string, varint (int64 covers int32, bool as 0/1), nested message, raw bytes, packed varints. */
type Field =
  | [number, "s", string]
  | [number, "v", number]
  | [number, "m", Field[]]
  | [number, "b", Uint8Array]
  | [number, "packed", number[]];

function message(fields: Field[]): Uint8Array {
  const writer = new BinaryWriter();
  for (const [number, kind, value] of fields) {
    if (kind === "s") writer.tag(number, WireType.LengthDelimited).string(value);
    else if (kind === "v") writer.tag(number, WireType.Varint).int64(value);
    else if (kind === "m") writer.tag(number, WireType.LengthDelimited).bytes(message(value));
    else if (kind === "b") writer.tag(number, WireType.LengthDelimited).bytes(value);
    else {
      writer.tag(number, WireType.LengthDelimited).fork();
      for (const item of value) writer.int64(item);
      writer.join();
    }
  }
  return writer.finish();
}

/** The `k8s\0` framing around a runtime.Unknown, as the apimachinery protobuf serializer writes it. */
function body(apiVersion: string, kind: string, raw: Field[], contentEncoding = ""): Uint8Array {
  const unknown = message([
    [1, "m", [[1, "s", apiVersion], [2, "s", kind]]],
    [2, "b", message(raw)],
    [3, "s", contentEncoding],
    [4, "s", ""],
  ]);
  return Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...unknown]);
}

/** A map<string, string> entry of field `number`. */
const label = (number: number, key: string, value: string): Field => [number, "m", [[1, "s", key], [2, "s", value]]];

/** ObjectMeta the way the generated marshaller writes it: every non-pointer field, empty or not. */
function meta(name: string, extra: Field[] = []): Field {
  return [1, "m", [[1, "s", name], [2, "s", ""], [3, "s", ""], [4, "s", ""], [5, "s", ""], [6, "s", ""], [7, "v", 0], [8, "m", []], ...extra]];
}

function decodeError(bytes: Uint8Array): KubernetesProtobufError {
  try {
    decodeKubernetesProtobuf(bytes);
  } catch (err) {
    expect(err).toBeInstanceOf(KubernetesProtobufError);
    return err as KubernetesProtobufError;
  }
  throw new Error("expected the body to be refused");
}

describe("isKubernetesProtobuf", () => {
  it("matches the media type with or without parameters", () => {
    expect(isKubernetesProtobuf("application/vnd.kubernetes.protobuf")).toBe(true);
    expect(isKubernetesProtobuf("Application/VND.Kubernetes.Protobuf; charset=binary")).toBe(true);
    expect(isKubernetesProtobuf("application/json")).toBe(false);
    expect(isKubernetesProtobuf("application/vnd.kubernetes.protobuf+json")).toBe(false);
    expect(isKubernetesProtobuf("")).toBe(false);
  });
});

describe("decodeKubernetesProtobuf", () => {
  it("decodes the whole of ObjectMeta", () => {
    const managed: Field[] = [[1, "s", "kubectl"], [2, "s", "Update"], [3, "s", "v1"], [4, "m", [[1, "v", 1704164645]]], [6, "s", "FieldsV1"], [7, "m", [[1, "b", Buffer.from('{"f:data":{}}')]]], [8, "s", ""]];
    const owner: Field[] = [[1, "s", "Deployment"], [3, "s", "web"], [4, "s", "uid-1"], [5, "s", "apps/v1"], [6, "v", 1], [7, "v", 0]];
    const { object, unknownFields } = decodeKubernetesProtobuf(
      body("v1", "ConfigMap", [
        meta("", [
          [2, "s", "gen-"],
          [3, "s", "team-a"],
          [9, "m", [[1, "v", 1704164645], [2, "v", 500]]],
          [10, "v", 0],
          label(11, "app", "web"),
          label(11, "tier", ""),
          label(12, "note", "hello"),
          [13, "m", owner],
          [14, "s", "example.com/keep"],
          [14, "s", "example.com/other"],
          [17, "m", managed],
        ]),
        [2, "m", [[1, "s", "key"]]], // a map entry without a value holds the zero value
      ]),
    );
    expect(unknownFields).toEqual([]);
    expect(object).toStrictEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        generateName: "gen-",
        namespace: "team-a",
        creationTimestamp: null,
        deletionTimestamp: "2024-01-02T03:04:05Z",
        deletionGracePeriodSeconds: 0,
        labels: { app: "web", tier: "" },
        annotations: { note: "hello" },
        ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: "uid-1", controller: true, blockOwnerDeletion: false }],
        finalizers: ["example.com/keep", "example.com/other"],
        managedFields: [{ manager: "kubectl", operation: "Update", apiVersion: "v1", time: "2024-01-02T03:04:05Z", fieldsType: "FieldsV1", fieldsV1: { "f:data": {} } }],
      },
      data: { key: "" },
    });
  });

  it("keeps set pointers, drops omitempty zeros and merges inline structs", () => {
    const rollingUpdate: Field[] = [[1, "m", [[1, "v", 0], [2, "v", 0]]], [2, "m", [[1, "v", 1], [3, "s", "25%"]]]];
    const container: Field[] = [
      [1, "s", "app"],
      [2, "s", "nginx"],
      [7, "m", [[1, "s", "KEY"], [2, "s", ""], [3, "m", [[3, "m", [[1, "m", [[1, "s", "cm"]]], [2, "s", "k"], [3, "v", 0]]]]]]],
      [8, "m", [[1, "m", [[1, "s", "cpu"], [2, "m", [[1, "s", "500m"]]]]], [2, "m", [[1, "s", "memory"], [2, "m", [[1, "s", "64Mi"]]]]]]],
      [16, "v", 0],
    ];
    const podSpec: Field[] = [[2, "m", container], [3, "s", ""], [14, "m", [[4, "packed", [3000, 4000]], [4, "v", 5000]]]];
    const spec: Field[] = [
      [1, "v", 0],
      [2, "m", [[2, "m", [[1, "s", "tier"], [2, "s", "In"], [3, "s", "web"]]]]],
      [3, "m", [[1, "m", [[8, "m", []]]], [2, "m", podSpec]]],
      [4, "m", [[1, "s", "RollingUpdate"], [2, "m", rollingUpdate]]],
      [5, "v", 0],
      [6, "v", 0],
      [7, "v", 0],
    ];
    const { object, unknownFields } = decodeKubernetesProtobuf(body("apps/v1", "Deployment", [meta("web"), [2, "m", spec], [3, "m", []]]));
    expect(unknownFields).toEqual([]);
    expect(object).toStrictEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", creationTimestamp: null },
      spec: {
        replicas: 0,
        selector: { matchExpressions: [{ key: "tier", operator: "In", values: ["web"] }] },
        template: {
          metadata: { creationTimestamp: null },
          spec: {
            containers: [
              {
                name: "app",
                image: "nginx",
                env: [{ name: "KEY", valueFrom: { configMapKeyRef: { name: "cm", key: "k", optional: false } } }],
                resources: { limits: { cpu: "500m" }, requests: { memory: "64Mi" } },
              },
            ],
            securityContext: { supplementalGroups: [3000, 4000, 5000] },
          },
        },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } },
        revisionHistoryLimit: 0,
      },
      status: {},
    });
  });

  it("marshals nil lists and pointers without omitempty as null", () => {
    const role = decodeKubernetesProtobuf(body("rbac.authorization.k8s.io/v1beta1", "ClusterRole", [meta("empty"), [3, "m", []]]));
    expect(role.object).toStrictEqual({
      apiVersion: "rbac.authorization.k8s.io/v1beta1",
      kind: "ClusterRole",
      metadata: { name: "empty", creationTimestamp: null },
      rules: null,
      aggregationRule: {},
    });
    const ingress = decodeKubernetesProtobuf(body("networking.k8s.io/v1", "Ingress", [meta("i"), [2, "m", [[3, "m", [[2, "m", [[1, "m", [[1, "m", [[1, "s", "/"]]]]]]]]]]]]));
    expect(ingress.object.spec).toStrictEqual({ rules: [{ http: { paths: [{ path: "/", pathType: null }] } }] });
  });

  it("accepts DeleteOptions under any group version", () => {
    const { object } = decodeKubernetesProtobuf(
      body("apps/v1", "DeleteOptions", [[1, "v", 0], [2, "m", [[1, "s", "uid-1"]]], [3, "v", 0], [4, "s", "Foreground"], [5, "s", "All"]]),
    );
    expect(object).toStrictEqual({
      apiVersion: "apps/v1",
      kind: "DeleteOptions",
      gracePeriodSeconds: 0,
      preconditions: { uid: "uid-1" },
      orphanDependents: false,
      propagationPolicy: "Foreground",
      dryRun: ["All"],
    });
  });

  it("decodes a Scale and a batch/v1beta1 CronJob", () => {
    const scale = decodeKubernetesProtobuf(body("autoscaling/v1", "Scale", [meta("web", [[3, "s", "default"]]), [2, "m", [[1, "v", 5]]], [3, "m", [[1, "v", 0], [2, "s", ""]]]]));
    expect(scale.object).toStrictEqual({
      apiVersion: "autoscaling/v1",
      kind: "Scale",
      metadata: { name: "web", namespace: "default", creationTimestamp: null },
      spec: { replicas: 5 },
      status: { replicas: 0 },
    });
    const cron = decodeKubernetesProtobuf(
      body("batch/v1beta1", "CronJob", [meta("nightly"), [2, "m", [[1, "s", "0 3 * * *"], [8, "s", "Etc/UTC"], [4, "v", 0], [6, "v", 0], [5, "m", [[1, "m", []], [2, "m", [[6, "m", [[2, "m", []]]]]]]]]]]),
    );
    expect(cron.object.spec).toStrictEqual({
      schedule: "0 3 * * *",
      timeZone: "Etc/UTC",
      suspend: false,
      jobTemplate: { metadata: {}, spec: { template: { spec: { containers: null } } } },
      successfulJobsHistoryLimit: 0,
    });
  });

  it("skips unknown fields of known messages and reports them", () => {
    const { object, unknownFields } = decodeKubernetesProtobuf(
      body("v1", "ConfigMap", [meta("x", [[40, "v", 7]]), label(2, "a", "b"), [99, "s", "future"], [2, "m", [[1, "s", "c"], [2, "s", "d"], [3, "v", 1]]]]),
    );
    expect(object).toStrictEqual({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", creationTimestamp: null }, data: { a: "b", c: "d" } });
    expect(unknownFields).toEqual([
      "ObjectMeta field 40 (wire type 0) at metadata",
      "ConfigMap field 99 (wire type 2) at <root>",
      'map entry field 3 (wire type 0) at data',
    ]);
  });

  it("refuses kinds without a table, naming them", () => {
    const err = decodeError(body("example.com/v1", "Widget", [meta("w")]));
    expect(err.reason).toBe("Unsupported");
    expect(err.message).toBe("protobuf bodies for example.com/v1 Widget are not supported by the emulator; send JSON");
    expect(decodeError(body("v1", "ConfigMap", [], "gzip")).reason).toBe("Unsupported");
  });

  it("refuses malformed bodies", () => {
    const good = body("v1", "ConfigMap", [meta("x"), label(2, "a", "b")]);
    expect(decodeError(good.subarray(4)).message).toMatch(/k8s\\x00 prefix/);
    expect(decodeError(good.subarray(0, good.length - 6)).reason).toBe("Malformed");
    // ConfigMap.data (field 2) sent as a varint
    const wrongWire = decodeError(body("v1", "ConfigMap", [[2, "v", 1]]));
    expect(wrongWire.reason).toBe("Malformed");
    expect(wrongWire.message).toContain("data: field 2 has wire type 0, expected 2");
  });
});

describe("schema tables", () => {
  it("cover kubectl's generators and resolve every reference", () => {
    const kinds = kubernetesSchemas().supportedKinds();
    for (const kind of ["v1 Namespace", "v1 Secret", "apps/v1 Deployment", "batch/v1 CronJob", "rbac.authorization.k8s.io/v1 ClusterRoleBinding", "scheduling.k8s.io/v1 PriorityClass", "v1 ResourceQuota"]) {
      expect(kinds).toContain(kind);
    }
  });

  it("formats Time and MicroTime as Go does", () => {
    expect(formatTime(1704164645, 123456789, false)).toBe("2024-01-02T03:04:05Z");
    expect(formatTime(1704164645, 123456789, true)).toBe("2024-01-02T03:04:05.123456Z");
    expect(formatTime(0, 0, true)).toBe("1970-01-01T00:00:00.000000Z");
  });
});
