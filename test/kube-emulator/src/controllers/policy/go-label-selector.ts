import type { LabelSelectorObject } from "../../selectors/index.js";

/**
 * A *metav1.LabelSelector as Go's `%v` prints it (the generated String method), which the
 * disruption controller's UnmanagedPods event quotes: `&LabelSelector{MatchLabels:map[string]string{app: web,},MatchExpressions:[]LabelSelectorRequirement{},}`.
 */
export function goLabelSelectorString(selector: LabelSelectorObject | null | undefined): string {
  if (!selector) return "nil";
  const labels = selector.matchLabels ?? {};
  const pairs = Object.keys(labels)
    .sort()
    .map((k) => `${k}: ${labels[k]},`)
    .join("");
  const expressions = (selector.matchExpressions ?? [])
    .map((e) => `LabelSelectorRequirement{Key:${e.key},Operator:${e.operator},Values:[${(e.values ?? []).join(" ")}],},`)
    .join("");
  return `&LabelSelector{MatchLabels:map[string]string{${pairs}},MatchExpressions:[]LabelSelectorRequirement{${expressions}},}`;
}
