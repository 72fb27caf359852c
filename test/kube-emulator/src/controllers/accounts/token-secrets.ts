import type { JsonObject, KubeObject } from "../../api-types.js";
import { generateNameSuffix } from "../../api/object-meta.js";
import { StatusError } from "../../http/status-error.js";
import type { StoredEvent } from "../../store/index.js";
import type { Controller, ControllerContext } from "../controller.js";
import { ignoring } from "../services/ignore-status.js";
import { WorkQueue } from "../work-queue.js";
import { LegacyTokenIssuer } from "./legacy-token.js";

export const tokenSecretType = "kubernetes.io/service-account-token";
export const serviceAccountNameAnnotation = "kubernetes.io/service-account.name";
export const serviceAccountUidAnnotation = "kubernetes.io/service-account.uid";
// GenerateName keeps room for five random characters within 63.
const maxNameBase = 58;

const b64 = (s: string): string => Buffer.from(s).toString("base64");

function annotation(obj: KubeObject, key: string): string | undefined {
  return obj.metadata.annotations?.[key];
}

function secretRefs(sa: KubeObject): JsonObject[] {
  return Array.isArray(sa.secrets) ? (sa.secrets as JsonObject[]) : [];
}

/**
 * The token controller (pkg/controller/serviceaccount/tokens_controller.go). Before 1.24 every
 * ServiceAccount gets a `<sa>-token-<random>` Secret of type kubernetes.io/service-account-token
 * listed in its `secrets`, made again when deleted; 1.24 stopped that
 * (LegacyServiceAccountTokenNoAutoGeneration). On every version it fills in token, namespace
 * and ca.crt of token Secrets that name a ServiceAccount, deletes token Secrets whose
 * ServiceAccount is gone (or is another one with that name), and a deleted ServiceAccount's
 * tokens with it.
 */
export class TokenSecretsController implements Controller {
  readonly name = "service-account-token";
  private readonly queue: WorkQueue<string>;
  private readonly tokens = new LegacyTokenIssuer();
  private readonly autoGenerate: boolean;
  /** ca.crt of every token: the cluster CA (the controller-manager's --root-ca-file), base64. */
  private readonly rootCa: string;
  private unsubscribe?: () => void;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue((key) => this.handle(key), (key, err) => ctx.log(`service account tokens ${key}: ${String(err)}`));
    this.autoGenerate = ctx.service.minor < 24;
    this.rootCa = b64(ctx.caPem);
  }

  start(): void {
    const store = this.ctx.service.store;
    for (const sa of store.list("/serviceaccounts").items) this.queue.add(`sa\n${sa.metadata.namespace ?? ""}\n${sa.metadata.name ?? ""}`);
    this.unsubscribe = store.subscribe((e) => this.observe(e));
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue.stop();
  }

  private observe(event: StoredEvent): void {
    const { namespace, object } = event;
    const name = object.metadata.name ?? "";
    if (event.storageKey === "/serviceaccounts") {
      if (event.type === "DELETED") this.queue.add(`sa-gone\n${namespace}\n${name}\n${object.metadata.uid ?? ""}`);
      else if (this.autoGenerate) this.queue.add(`sa\n${namespace}\n${name}`);
    } else if (event.storageKey === "/secrets" && object.type === tokenSecretType) {
      if (event.type === "DELETED") this.queue.add(`secret-gone\n${namespace}\n${name}\n${annotation(object, serviceAccountNameAnnotation) ?? ""}`);
      else this.queue.add(`secret\n${namespace}\n${name}`);
    }
  }

  private handle(key: string): void {
    const [kind, namespace = "", name = "", extra = ""] = key.split("\n");
    if (kind === "sa") this.ensureReferencedToken(namespace, name);
    else if (kind === "sa-gone") this.deleteTokens(namespace, name, extra);
    else if (kind === "secret") this.syncSecret(namespace, name);
    else if (kind === "secret-gone") this.removeSecretReference(namespace, extra, name);
  }

  private ensureReferencedToken(namespace: string, name: string): void {
    if (!this.autoGenerate) return;
    const { client } = this.ctx;
    const sa = client.get("/serviceaccounts", namespace, name);
    if (!sa || sa.metadata.deletionTimestamp) return;
    const hasToken = secretRefs(sa).some((ref) => {
      const secret = client.get("/secrets", namespace, String(ref.name ?? ""));
      return secret?.type === tokenSecretType && annotation(secret, serviceAccountNameAnnotation) === name && annotation(secret, serviceAccountUidAnnotation) === sa.metadata.uid;
    });
    if (hasToken) return;
    const secret = this.createToken(sa);
    if (!secret) return;
    client.update("/serviceaccounts", { ...sa, secrets: [...secretRefs(sa), { name: secret.metadata.name ?? "" }] });
  }

  private createToken(sa: KubeObject): KubeObject | undefined {
    const namespace = sa.metadata.namespace ?? "";
    const saName = sa.metadata.name ?? "";
    const base = `${saName}-token-`.slice(0, maxNameBase);
    for (let attempt = 0; attempt < 5; attempt++) {
      const name = base + generateNameSuffix();
      const secret: KubeObject = {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name, namespace, annotations: { [serviceAccountNameAnnotation]: saName, [serviceAccountUidAnnotation]: sa.metadata.uid ?? "" } },
        type: tokenSecretType,
        data: this.tokenData(namespace, saName, sa.metadata.uid ?? "", name),
      };
      try {
        return this.ctx.client.create("/secrets", secret);
      } catch (err) {
        // A taken name tries another; a namespace going away (403, 404) gets no token.
        if (err instanceof StatusError && err.code === 409) continue;
        if (err instanceof StatusError && (err.code === 403 || err.code === 404)) return undefined;
        throw err;
      }
    }
    return undefined;
  }

  private tokenData(namespace: string, saName: string, saUid: string, secretName: string): JsonObject {
    return { "ca.crt": this.rootCa, namespace: b64(namespace), token: b64(this.tokens.issue(namespace, saName, saUid, secretName)) };
  }

  private deleteTokens(namespace: string, name: string, uid: string): void {
    const { client } = this.ctx;
    for (const secret of client.list("/secrets", namespace)) {
      if (secret.type !== tokenSecretType || annotation(secret, serviceAccountNameAnnotation) !== name) continue;
      const secretUid = annotation(secret, serviceAccountUidAnnotation);
      if (secretUid && secretUid !== uid) continue;
      if (!secret.metadata.deletionTimestamp) ignoring([404], () => client.delete("/secrets", secret));
    }
  }

  /** A token Secret is kept only for the ServiceAccount it names (getServiceAccount with its uid), and is filled in. */
  private syncSecret(namespace: string, name: string): void {
    const { client } = this.ctx;
    const secret = client.get("/secrets", namespace, name);
    if (!secret || secret.type !== tokenSecretType || secret.metadata.deletionTimestamp) return;
    const saName = annotation(secret, serviceAccountNameAnnotation) ?? "";
    const sa = saName ? client.get("/serviceaccounts", namespace, saName) : undefined;
    const uid = annotation(secret, serviceAccountUidAnnotation);
    if (!sa || (uid && uid !== sa.metadata.uid)) {
      ignoring([404], () => client.delete("/secrets", secret));
      return;
    }
    const data = (secret.data as JsonObject | undefined) ?? {};
    const wantCa = this.rootCa;
    if (data.token && data.namespace && data["ca.crt"] === wantCa && uid) return;
    const filled = this.tokenData(namespace, saName, sa.metadata.uid ?? "", name);
    client.update("/secrets", {
      ...secret,
      metadata: {
        ...secret.metadata,
        annotations: { ...(secret.metadata.annotations ?? {}), [serviceAccountNameAnnotation]: saName, [serviceAccountUidAnnotation]: sa.metadata.uid ?? "" },
      },
      data: { ...data, "ca.crt": wantCa, namespace: data.namespace || filled.namespace!, token: data.token || filled.token! },
    });
  }

  private removeSecretReference(namespace: string, saName: string, secretName: string): void {
    const { client } = this.ctx;
    const sa = saName ? client.get("/serviceaccounts", namespace, saName) : undefined;
    if (!sa || !secretRefs(sa).some((ref) => ref.name === secretName)) return;
    // The ServiceAccount's update wakes ensureReferencedToken, which makes a new token before 1.24.
    ignoring([404], () => client.update("/serviceaccounts", { ...sa, secrets: secretRefs(sa).filter((ref) => ref.name !== secretName) }));
  }
}
