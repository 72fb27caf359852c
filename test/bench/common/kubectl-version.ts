import { spawnSync } from "node:child_process";

/** The client version the kubectl at `kubectlPath` reports, for a bench's machine line; "unknown" when it cannot say. */
export function kubectlVersion(kubectlPath: string): string {
  const out = spawnSync(kubectlPath, ["version", "--client", "-o", "json"], { encoding: "utf8" });
  try {
    return (JSON.parse(out.stdout) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion ?? "unknown";
  } catch {
    return "unknown";
  }
}
