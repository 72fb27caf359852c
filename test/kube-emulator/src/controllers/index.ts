import type { Controller, ControllerContext } from "./controller.js";
import { CrdRegistrar } from "./crd-registrar.js";
import { GarbageCollector } from "./garbage-collector.js";
import { NamespaceLifecycle } from "./namespace-lifecycle.js";

export { type Controller, type ControllerContext, type ControllerSettings, defaultControllerSettings } from "./controller.js";
export { ControllerClient } from "./client.js";
export { EventRecorder } from "./events.js";

/**
 * Every controller the emulator can run, by the name `controllers: [...]` and
 * `--controllers` switch it with. Started in this order.
 */
export const controllerFactories = {
  "crd-registrar": (ctx: ControllerContext): Controller => new CrdRegistrar(ctx),
  "namespace-lifecycle": (ctx: ControllerContext): Controller => new NamespaceLifecycle(ctx),
  "garbage-collector": (ctx: ControllerContext): Controller => new GarbageCollector(ctx),
} as const;

export type ControllerName = keyof typeof controllerFactories;
export const controllerNames = Object.keys(controllerFactories) as ControllerName[];
