import { stringify } from "yaml";

export interface KubeconfigInput {
  name: string;
  server: string;
  token: string;
  /** PEM of the CA that signed the serving certificate (HTTPS only). */
  caPem?: string;
}

/**
 * A kubeconfig for one emulator. Plain-HTTP servers are marked insecure-skip-tls-verify
 * because @kubernetes/client-node refuses a plain-HTTP cluster otherwise; kubectl ignores it.
 */
export function renderKubeconfig(input: KubeconfigInput): string {
  const cluster: Record<string, unknown> = { server: input.server };
  if (input.caPem) cluster["certificate-authority-data"] = Buffer.from(input.caPem).toString("base64");
  else cluster["insecure-skip-tls-verify"] = true;
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: input.name, cluster }],
    users: [{ name: `${input.name}-admin`, user: { token: input.token } }],
    contexts: [{ name: input.name, context: { cluster: input.name, user: `${input.name}-admin`, namespace: "default" } }],
    "current-context": input.name,
    preferences: {},
  });
}
