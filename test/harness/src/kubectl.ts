import { spawn } from "node:child_process";

export interface KubectlTarget {
  kubeconfigPath: string;
  kubectlCacheDir: string;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Path of the real kubectl; LIFEBOAT_KUBECTL overrides it. */
export const kubectlPath = process.env.LIFEBOAT_KUBECTL ?? "kubectl";

/**
 * Runs the real kubectl against one cluster, with its own kubeconfig and discovery cache
 * and without the user's environment leaking in (KUBECONFIG, ~/.kube).
 */
export function kubectl(target: KubectlTarget, args: string[], input?: string): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(kubectlPath, ["--kubeconfig", target.kubeconfigPath, "--cache-dir", target.kubectlCacheDir, ...args], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: target.kubectlCacheDir },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

/** Like kubectl(), but throws with kubectl's stderr when it exits non-zero. */
export async function kubectlOk(target: KubectlTarget, args: string[], input?: string): Promise<string> {
  const result = await kubectl(target, args, input);
  if (result.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed (exit ${result.code}): ${result.stderr.trim()}`);
  return result.stdout;
}
