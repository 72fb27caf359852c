/**
 * Strategic-merge-patch metadata: which lists merge, and by which key.
 *
 * Upstream reads this from the Go struct tags of the built-in types
 * (`patchStrategy:"merge" patchMergeKey:"name"`, see
 * https://github.com/kubernetes/api/blob/master/core/v1/types.go) through
 * k8s.io/apimachinery/pkg/util/strategicpatch (LookupPatchMetadataForStruct /
 * ForSlice). The emulator has no Go structs, so the tags it needs are transcribed
 * here as a flat table of JSON paths, one table per kind.
 *
 * Path syntax: dotted field names from the object root; `[]` steps into the
 * elements of a list, e.g. `spec.template.spec.containers[].env`.
 *
 * Anything not in a table has no patch strategy, which upstream treats as
 * "replace": a list in the patch replaces the live list wholesale, exactly as in
 * a JSON merge patch (RFC 7386). That is also the rule for kinds the table does
 * not know. Custom resources never reach strategic merge at all: the real server
 * answers 415 for them (see index.ts).
 *
 * One exception closes gaps in the table: `kubectl apply` sends
 * `$setElementOrder/<list>` only for lists the server's schema says merge, so a
 * list the table lacks but the patch orders is merged by the key the directive's
 * entries carry (smp-lists.ts inferStrategy).
 */

/** A list with `patchStrategy:"merge"`. Lists of objects carry the key they merge by. */
export interface ListStrategy {
  /** `patchMergeKey`; absent for lists of primitives, which merge as ordered sets. */
  mergeKey?: string;
}

export interface PatchMeta {
  /** The strategy for the list at `path`, or undefined when the list is replaced. */
  list(path: string): ListStrategy | undefined;
}

type Table = Record<string, ListStrategy>;

const by = (mergeKey: string): ListStrategy => ({ mergeKey });
const set: ListStrategy = {};

function prefixed(prefix: string, table: Table): Table {
  const out: Table = {};
  for (const [path, strategy] of Object.entries(table)) out[prefix ? `${prefix}.${path}` : path] = strategy;
  return out;
}

// ObjectMeta (k8s.io/apimachinery/pkg/apis/meta/v1/types.go): finalizers is
// `patchStrategy:"merge"`, ownerReferences merges by uid. Every object has it.
const OBJECT_META: Table = {
  finalizers: set,
  ownerReferences: by("uid"),
};

// Container / EphemeralContainerCommon (core/v1/types.go).
const CONTAINER: Table = {
  ports: by("containerPort"),
  env: by("name"),
  volumeMounts: by("mountPath"),
  volumeDevices: by("devicePath"),
};

// PodSpec (core/v1/types.go). volumes and resourceClaims are "merge,retainKeys":
// the retainKeys half needs no table, the server honours `$retainKeys` wherever
// the patch carries it (strategicpatch.applyRetainKeysDirective).
const POD_SPEC: Table = {
  volumes: by("name"),
  containers: by("name"),
  ...prefixed("containers[]", CONTAINER),
  initContainers: by("name"),
  ...prefixed("initContainers[]", CONTAINER),
  ephemeralContainers: by("name"),
  ...prefixed("ephemeralContainers[]", CONTAINER),
  imagePullSecrets: by("name"),
  hostAliases: by("ip"),
  topologySpreadConstraints: by("topologyKey"),
  resourceClaims: by("name"),
  schedulingGates: by("name"),
};

// PodTemplateSpec: its own ObjectMeta plus a PodSpec.
const POD_TEMPLATE: Table = {
  ...prefixed("metadata", OBJECT_META),
  ...prefixed("spec", POD_SPEC),
};

// status.conditions merges by type on every built-in kind that has conditions
// (PodStatus, NodeStatus, DeploymentStatus, JobStatus, ...).
const CONDITIONS: Table = { "status.conditions": by("type") };

const WORKLOAD: Table = { ...prefixed("spec.template", POD_TEMPLATE), ...CONDITIONS };

const KINDS: Record<string, Table> = {
  "/Pod": {
    ...prefixed("spec", POD_SPEC),
    ...CONDITIONS,
    "status.podIPs": by("ip"),
    "status.hostIPs": by("ip"),
    "status.resourceClaimStatuses": by("name"),
  },
  "/PodTemplate": prefixed("template", POD_TEMPLATE),
  "/ReplicationController": WORKLOAD,
  "apps/Deployment": WORKLOAD,
  "apps/StatefulSet": WORKLOAD,
  "apps/DaemonSet": WORKLOAD,
  "apps/ReplicaSet": WORKLOAD,
  "batch/Job": WORKLOAD,
  "batch/CronJob": {
    ...prefixed("spec.jobTemplate.metadata", OBJECT_META),
    ...prefixed("spec.jobTemplate.spec.template", POD_TEMPLATE),
  },
  // ServiceSpec.ports merges by port alone (its listMapKeys add protocol, SMP does not).
  "/Service": { "spec.ports": by("port"), ...CONDITIONS },
  "/Node": { "spec.podCIDRs": set, "status.addresses": by("type"), ...CONDITIONS },
  "/Namespace": CONDITIONS,
  "/PersistentVolumeClaim": CONDITIONS,
  "/ServiceAccount": { secrets: by("name") },
  "autoscaling/HorizontalPodAutoscaler": CONDITIONS,
  // Endpoints.subsets has no strategy: it is replaced, so it needs no entry.
};

/** Patch metadata for a kind; unknown kinds still get ObjectMeta's rules, every object has metadata. */
export function patchMetaFor(group: string, kind: string): PatchMeta {
  const table: Table = { ...prefixed("metadata", OBJECT_META), ...(KINDS[`${group}/${kind}`] ?? {}) };
  return { list: (path) => table[path] };
}

/** Path of a field under `parent` ("" is the root). */
export function childPath(parent: string, field: string): string {
  return parent === "" ? field : `${parent}.${field}`;
}

/** Path of the elements of the list at `path`. */
export function elementPath(path: string): string {
  return `${path}[]`;
}
