import type { JsonObject, KubeObject } from "../../api-types.js";
import { labelSelectorFromObject, type LabelSelectorObject } from "../../selectors/index.js";
import type { Controller, ControllerContext } from "../controller.js";
import { ReplicaControl } from "./replica-control.js";

/** The ReplicaSet controller (pkg/controller/replicaset): apps/v1 ReplicaSets, whatever version they were written in. */
export function replicaSetController(ctx: ControllerContext): Controller {
  return new ReplicaControl(ctx, {
    name: "replicaset",
    storageKey: "apps/replicasets",
    kind: "ReplicaSet",
    component: "replicaset-controller",
    selectorOf: (rs: KubeObject) => labelSelectorFromObject((rs.spec as JsonObject | undefined)?.selector as LabelSelectorObject | undefined),
  });
}
