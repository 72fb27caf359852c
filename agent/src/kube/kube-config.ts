import { KubeConfig } from "@kubernetes/client-node";
import { LifeboatError } from "@lifeboat/shared";

export interface KubeConfigSource {
  /** Path of a kubeconfig file; when absent, the pod's service account, else KUBECONFIG or ~/.kube/config. */
  kubeconfig?: string;
}

/**
 * The KubeConfig the agent talks to its cluster with: `source.kubeconfig` when given, else the
 * in-cluster service account (KUBERNETES_SERVICE_HOST is set in every pod), else the default
 * locations kubectl reads. Throws FAILED_PRECONDITION naming the file when it cannot be read, or
 * when nothing names a cluster.
 */
export function loadKubeConfig(source: KubeConfigSource = {}): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (source.kubeconfig !== undefined) kc.loadFromFile(source.kubeconfig);
    else if (process.env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
    else kc.loadFromDefault();
  } catch (err) {
    const where = source.kubeconfig ?? "the in-cluster service account or the default kubeconfig";
    throw new LifeboatError("FAILED_PRECONDITION", `cannot load a kubeconfig from ${where}: ${(err as Error).message}`, {
      field: "kubeconfig",
      value: source.kubeconfig,
      cause: err,
    });
  }
  if (!kc.getCurrentCluster()) {
    throw new LifeboatError(
      "FAILED_PRECONDITION",
      `kubeconfig ${source.kubeconfig ?? "(default)"} has no current context with a cluster: set current-context`,
      { field: "kubeconfig", value: source.kubeconfig },
    );
  }
  return allowPlainHttp(kc);
}

/**
 * client-node refuses an http:// server unless its cluster entry sets skipTLSVerify, although
 * there is no TLS to verify (config.ts createAgent). A plain-HTTP server in a kubeconfig is the
 * operator's explicit choice (a local test cluster, an emulator), so honour it.
 */
function allowPlainHttp(kc: KubeConfig): KubeConfig {
  if (!kc.clusters.some((cluster) => cluster.server.startsWith("http:") && !cluster.skipTLSVerify)) return kc;
  const fixed = new KubeConfig();
  fixed.loadFromOptions({
    clusters: kc.clusters.map((cluster) => (cluster.server.startsWith("http:") ? { ...cluster, skipTLSVerify: true } : cluster)),
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  });
  return fixed;
}
