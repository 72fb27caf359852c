import { asRecord, isCore, type SanitizeRule } from "../sanitize-rule.js";

// A cluster IP comes from the source's service CIDR: in the target it may be outside the range or
// taken. "None" is not an address but what makes a Service headless, and must stay.
export const dropServiceClusterIps: SanitizeRule = {
  name: "drops a Service's cluster IPs, except a headless Service's None",
  apply(object) {
    const spec = asRecord(object.spec);
    if (!isCore(object, "Service") || !spec || spec.clusterIP === "None") return;
    delete spec.clusterIP;
    delete spec.clusterIPs;
  },
};
