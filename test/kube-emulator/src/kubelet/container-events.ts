import type { JsonObject } from "../api-types.js";

/** An event the kubelet records about a pod when it starts one of its containers. */
export interface ContainerEvent {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
}

/**
 * The events of starting one container (pkg/kubelet/images, pkg/kubelet/kuberuntime):
 * the image pull, or the note that the image is present, then Created and Started. The
 * emulator pulls nothing, so a pull takes no time.
 */
export function containerStartEvents(container: JsonObject, minor: number): ContainerEvent[] {
  const image = String(container.image ?? "");
  const name = String(container.name ?? "");
  const pull: ContainerEvent[] =
    container.imagePullPolicy === "Always"
      ? [
          { type: "Normal", reason: "Pulling", message: `Pulling image "${image}"` },
          { type: "Normal", reason: "Pulled", message: `Successfully pulled image "${image}"${pullDuration(minor)}` },
        ]
      : [{ type: "Normal", reason: "Pulled", message: `Container image "${image}" already present on machine` }];
  return [
    ...pull,
    { type: "Normal", reason: "Created", message: `Created container ${name}` },
    { type: "Normal", reason: "Started", message: `Started container ${name}` },
  ];
}

/** The pull's duration joined the message in 1.20, the time spent queued behind other pulls in 1.26. */
function pullDuration(minor: number): string {
  if (minor >= 26) return " in 0s (0s including waiting)";
  if (minor >= 20) return " in 0s";
  return "";
}
