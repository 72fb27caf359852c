export { ClusterStore, revokedCertificate, type ClusterStoreOptions, type Registration, type RegistrationOutcome, type ListClustersOptions, type ClusterPage } from "./cluster-store.js";
export { parseClusterFields, CLUSTER_STATES, type ClusterRecord, type ClusterState, type ClusterCertificateRecord } from "./cluster-record.js";
export { parseLabelSelector, type LabelSelector } from "@lifeboat/shared";
export { registerCluster, type RegisterClusterRequest, type RegisterClusterResult, type RegisterClusterDeps } from "./register-cluster.js";
