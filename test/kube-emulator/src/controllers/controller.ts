import type { ObjectService } from "../api/object-service.js";

/** A small control loop over the store's event stream; each can be switched off. */
export interface Controller {
  readonly name: string;
  start(): void;
  stop(): void;
}

export interface ControllerContext {
  service: ObjectService;
  log(message: string): void;
}
