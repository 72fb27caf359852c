import type { KubeObject } from "../../api-types.js";
import type { ObjectStore } from "../../store/index.js";
import { admitPodServiceAccount } from "./service-account.js";

/**
 * The mutating admission plugins a create goes through after defaulting and before
 * validation, as kube-apiserver's admission chain runs them.
 */
export class Admission {
  /**
   * Whether pods are checked against their ServiceAccount and get its token mounted; the
   * emulator turns it on when the controllers that make ServiceAccounts and their
   * credentials run (see startEmulator).
   */
  serviceAccountTokens = false;

  constructor(
    private readonly store: ObjectStore,
    private readonly minor: number,
  ) {}

  /** `requestedName` is the name or, for a generated one, the generateName the client sent. */
  admitCreate(storageKey: string, obj: KubeObject, requestedName: string): KubeObject {
    if (storageKey !== "/pods") return obj;
    return admitPodServiceAccount(obj, this.store, { minor: this.minor, mount: this.serviceAccountTokens, requestedName });
  }
}
