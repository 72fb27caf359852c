import { createHash, randomBytes } from "node:crypto";

const base64url = (value: Buffer | string): string => Buffer.from(value).toString("base64url");

/**
 * Makes legacy service account tokens shaped as kube-controller-manager's are: a JWT with
 * serviceaccount.LegacyClaims, "signed" with a key id of this cluster. The signature is random
 * bytes: the emulator authenticates with its own bearer tokens, nothing verifies these.
 */
export class LegacyTokenIssuer {
  private readonly keyId = base64url(createHash("sha256").update(randomBytes(32)).digest());

  issue(namespace: string, serviceAccount: string, serviceAccountUid: string, secretName: string): string {
    const header = { alg: "RS256", kid: this.keyId };
    const claims = {
      iss: "kubernetes/serviceaccount",
      "kubernetes.io/serviceaccount/namespace": namespace,
      "kubernetes.io/serviceaccount/secret.name": secretName,
      "kubernetes.io/serviceaccount/service-account.name": serviceAccount,
      "kubernetes.io/serviceaccount/service-account.uid": serviceAccountUid,
      sub: `system:serviceaccount:${namespace}:${serviceAccount}`,
    };
    return `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}.${base64url(randomBytes(256))}`;
  }
}
