// Per-pod choices, as annotations on the pod (or its template): which volumes to leave out and
// which emptyDirs to copy.

export const EXCLUDE_VOLUMES_ANNOTATION = "backup.lifeboat.io/exclude-volumes";
export const INCLUDE_VOLUMES_ANNOTATION = "backup.lifeboat.io/include-volumes";

export interface PodVolumeChoices {
  excluded: ReadonlySet<string>;
  included: ReadonlySet<string>;
}

export function podVolumeChoices(annotations: Readonly<Record<string, string>> | undefined): PodVolumeChoices {
  const names = (key: string) => new Set((annotations?.[key] ?? "").split(",").map((s) => s.trim()).filter(Boolean));
  return { excluded: names(EXCLUDE_VOLUMES_ANNOTATION), included: names(INCLUDE_VOLUMES_ANNOTATION) };
}
