import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api-types.js";
import { StatusError } from "../../http/status-error.js";
import { admitPodServiceAccount, serviceAccountMountPath } from "./service-account.js";

const objects = new Map<string, KubeObject>();
const lookup = { get: (key: string, ns: string, name: string) => objects.get(`${key}|${ns}|${name}`) };
const put = (key: string, obj: KubeObject) => objects.set(`${key}|${obj.metadata.namespace}|${obj.metadata.name}`, obj);

put("/serviceaccounts", { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace: "ns", uid: "sa-1" }, secrets: [{ name: "stale" }, { name: "default-token-abcde" }] } as KubeObject);
put("/secrets", { apiVersion: "v1", kind: "Secret", metadata: { name: "stale", namespace: "ns", annotations: { "kubernetes.io/service-account.name": "default", "kubernetes.io/service-account.uid": "sa-0" } }, type: "kubernetes.io/service-account-token" } as KubeObject);
put("/secrets", { apiVersion: "v1", kind: "Secret", metadata: { name: "default-token-abcde", namespace: "ns", annotations: { "kubernetes.io/service-account.name": "default", "kubernetes.io/service-account.uid": "sa-1" } }, type: "kubernetes.io/service-account-token" } as KubeObject);
put("/serviceaccounts", { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "fresh", namespace: "ns", uid: "sa-2" } } as KubeObject);

const pod = (spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "ns", ...meta }, spec: { containers: [{ name: "a" }, { name: "b" }], ...spec } }) as KubeObject;
const admit = (p: KubeObject, minor: number, mount = true) => admitPodServiceAccount(p, lookup, { minor, mount, requestedName: p.metadata.name ?? "" }).spec as Record<string, any>;

describe("ServiceAccount admission", () => {
  it("mounts the first referenced token Secret that belongs to the account, before 1.21", () => {
    const spec = admit(pod(), 16);
    expect(spec.serviceAccountName).toBe("default");
    expect(spec.volumes).toEqual([{ name: "default-token-abcde", secret: { defaultMode: 420, secretName: "default-token-abcde" } }]);
    for (const c of spec.containers) expect(c.volumeMounts).toEqual([{ name: "default-token-abcde", readOnly: true, mountPath: serviceAccountMountPath }]);
  });

  it("renames the volume when the token's name is taken by another volume", () => {
    const spec = admit(pod({ volumes: [{ name: "default-token-abcde", emptyDir: {} }] }), 20);
    expect(spec.volumes[1].name).toMatch(/^default-token-abcde-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it("answers 500 ServerTimeout while the account has no token yet, before 1.21", () => {
    const p = pod({ serviceAccountName: "fresh" });
    expect(() => admit(p, 16)).toThrow('No API token found for service account "fresh", retry after the token is automatically created and added to the service account');
    try {
      admit(p, 16);
    } catch (err) {
      expect(err).toBeInstanceOf(StatusError);
      expect((err as StatusError).toStatus()).toMatchObject({ code: 500, reason: "ServerTimeout", details: { name: "create pod", kind: "serviceaccounts", retryAfterSeconds: 1 } });
    }
    expect(admit(p, 21).volumes[0].name).toMatch(/^kube-api-access-/);
  });

  it("adds the mount only to containers without one at the path, and a volume only if one needs it", () => {
    const mine = { name: "mine", mountPath: serviceAccountMountPath };
    const spec = admit(pod({ containers: [{ name: "a", volumeMounts: [mine] }], volumes: [{ name: "mine", emptyDir: {} }] }), 30);
    expect(spec.volumes).toEqual([{ name: "mine", emptyDir: {} }]);
    const mixed = admit(pod({ containers: [{ name: "a", volumeMounts: [mine] }, { name: "b" }] }), 30);
    expect(mixed.volumes).toHaveLength(1);
    expect(mixed.containers[1].volumeMounts[0].name).toBe(mixed.volumes[0].name);
  });

  it("refuses a missing account with upstream's 403, naming a generated pod by its generateName", () => {
    const p = pod({ serviceAccountName: "ghost" }, { name: undefined, generateName: "web-" });
    expect(() => admitPodServiceAccount(p, lookup, { minor: 30, mount: true, requestedName: "web-" })).toThrow(
      'pods "web-" is forbidden: error looking up service account ns/ghost: serviceaccount "ghost" not found',
    );
  });

  it("only defaults the name when mounting is off, and skips mirror pods", () => {
    expect(admit(pod({ serviceAccountName: "ghost" }), 30, false)).toMatchObject({ serviceAccountName: "ghost", serviceAccount: "ghost" });
    expect(admit(pod({}, { annotations: { "kubernetes.io/config.mirror": "x" } }), 30).serviceAccountName).toBeUndefined();
  });
});
