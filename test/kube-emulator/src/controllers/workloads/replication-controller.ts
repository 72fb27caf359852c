import type { JsonObject, KubeObject } from "../../api-types.js";
import { labelSelectorFromObject } from "../../selectors/index.js";
import type { Controller, ControllerContext } from "../controller.js";
import { ReplicaControl } from "./replica-control.js";

/**
 * The ReplicationController manager (pkg/controller/replication), which upstream is the
 * ReplicaSet controller run through a conversion: same replica logic, a plain map selector,
 * Events from "replication-controller".
 */
export function replicationControllerController(ctx: ControllerContext): Controller {
  return new ReplicaControl(ctx, {
    name: "replication-controller",
    storageKey: "/replicationcontrollers",
    kind: "ReplicationController",
    component: "replication-controller",
    selectorOf: rcSelector,
  });
}

/** spec.selector, or, when empty, the template's labels, which is what the API defaults it to (SetDefaults_ReplicationController). */
function rcSelector(rc: KubeObject): ReturnType<typeof labelSelectorFromObject> {
  const spec = (rc.spec as JsonObject | undefined) ?? {};
  const selector = (spec.selector ?? {}) as Record<string, string>;
  const templateLabels = (((spec.template as JsonObject | undefined)?.metadata as JsonObject | undefined)?.labels ?? {}) as Record<string, string>;
  return labelSelectorFromObject({ matchLabels: Object.keys(selector).length > 0 ? selector : templateLabels });
}
