const kubeVersion = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/**
 * Kube-aware version order (apimachinery CompareKubeAwareVersionStrings): GA before beta
 * before alpha, higher numbers first. Negative when `a` sorts before (is newer than) `b`.
 */
export function compareKubeAwareVersions(a: string, b: string): number {
  const ma = kubeVersion.exec(a);
  const mb = kubeVersion.exec(b);
  if (!ma || !mb) {
    if (ma) return -1;
    if (mb) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const stability = (m: RegExpExecArray) => (m[2] === undefined ? 3 : m[2] === "beta" ? 2 : 1);
  const sa = stability(ma);
  const sb = stability(mb);
  if (sa !== sb) return sb - sa;
  const major = Number(mb[1]) - Number(ma[1]);
  if (major !== 0) return major;
  return Number(mb[3] ?? 0) - Number(ma[3] ?? 0);
}
