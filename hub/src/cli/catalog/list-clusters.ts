// Every registered cluster, to resolve the names given with --cluster, --from-cluster, --to-cluster.
import { create } from "@bufbuild/protobuf";
import { ListClustersRequestSchema, type Cluster } from "@lifeboat/proto";
import { unaryCall, type AdminClient } from "../admin-connection.js";
import { allPages } from "../all-pages.js";

/** Every registered cluster, following pages. */
export async function listClusters(client: AdminClient): Promise<Cluster[]> {
  const request = create(ListClustersRequestSchema, { pageSize: 1000 });
  return allPages(async (pageToken) => {
    const page = await client.listClusters({ ...request, pageToken }, unaryCall());
    return { items: page.clusters, nextPageToken: page.nextPageToken };
  });
}
