/** A metav1.LabelSelector as resource modifiers write it. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] }>;
}

/** Whether `labels` satisfy `selector` (every matchLabels pair and every expression; empty matches all). */
export function matchesLabelSelector(selector: LabelSelectorObject, labels: Readonly<Record<string, string>> | undefined): boolean {
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (have[key] !== value) return false;
  }
  return (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const present = Object.hasOwn(have, key);
    switch (operator) {
      case "In":
        return present && values.includes(have[key]!);
      case "NotIn":
        return !present || !values.includes(have[key]!);
      case "Exists":
        return present;
      case "DoesNotExist":
        return !present;
    }
  });
}
