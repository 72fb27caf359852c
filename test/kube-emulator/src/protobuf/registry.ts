import { appsKinds, appsMessages } from "./apps.js";
import { batchKinds, batchMessages } from "./batch.js";
import { coreKinds, coreMessages } from "./core.js";
import { metaKinds, metaMessages } from "./meta.js";
import { miscKinds, miscMessages } from "./misc.js";
import { podMessages } from "./pod.js";
import { rbacKinds, rbacMessages } from "./rbac.js";
import { SchemaRegistry } from "./schema.js";

let registry: SchemaRegistry | undefined;

/** The emulator's protobuf schema tables, parsed and checked on first use. */
export function kubernetesSchemas(): SchemaRegistry {
  registry ??= new SchemaRegistry(
    [metaMessages, coreMessages, podMessages, appsMessages, batchMessages, rbacMessages, miscMessages],
    [metaKinds, coreKinds, appsKinds, batchKinds, rbacKinds, miscKinds],
  );
  return registry;
}
