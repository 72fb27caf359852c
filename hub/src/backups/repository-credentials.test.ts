import { create } from "@bufbuild/protobuf";
import { RepositoryAccessSchema, TaskSchema, TaskSpecSchema, type RepositoryAccess } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared";
import { describe, expect, it } from "vitest";
import type { RepositoryDirectory } from "../repositories/directory-types.js";
import { backupAssignmentPreparer, repositoryReference, withRepositoryCredentials } from "./repository-credentials.js";

const full = create(RepositoryAccessSchema, { name: "main", url: "s3://bucket/repo", credentials: { password: "pw", accessKeyId: "AK", secretAccessKey: "SK" } });
const directory: RepositoryDirectory = {
  async access(name: string): Promise<RepositoryAccess> {
    if (name !== "main") throw new LifeboatError("NOT_FOUND", `repository ${name} not found`, { field: "repository" });
    return full;
  },
};

describe("repository credentials in backup tasks", () => {
  it("keeps only the name and url in a stored task", () => {
    const reference = repositoryReference(full);
    expect(reference).toMatchObject({ name: "main", url: "s3://bucket/repo" });
    expect(reference.credentials).toBeUndefined();
  });

  it("fills the credentials into a copy of the spec on the way to the agent", async () => {
    const spec = create(TaskSpecSchema, { kind: { case: "backup", value: { backup: { id: "b", spec: { repository: "main" } }, repository: repositoryReference(full) } } });
    const handed = await withRepositoryCredentials(spec, directory);
    expect(handed.kind.case === "backup" && handed.kind.value.repository?.credentials).toMatchObject({ password: "pw", accessKeyId: "AK", secretAccessKey: "SK" });
    expect(spec.kind.case === "backup" && spec.kind.value.repository?.credentials).toBeUndefined();
  });

  it("leaves other kinds alone and refuses a forgotten repository", async () => {
    const inventory = create(TaskSpecSchema, { kind: { case: "inventory", value: {} } });
    expect(await withRepositoryCredentials(inventory, directory)).toBe(inventory);
    const orphan = create(TaskSpecSchema, { kind: { case: "backup", value: { repository: { name: "gone", url: "file:///x" } } } });
    await expect(withRepositoryCredentials(orphan, directory)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("prepares a backup task's assignment with credentials and passes others through", async () => {
    const prepare = backupAssignmentPreparer(directory);
    const task = create(TaskSchema, { id: "t1", spec: { kind: { case: "backup", value: { repository: repositoryReference(full) } } } });
    const prepared = await prepare(task);
    expect(prepared.id).toBe("t1");
    expect(prepared.spec?.kind.case === "backup" && prepared.spec.kind.value.repository?.credentials?.password).toBe("pw");
    expect(task.spec?.kind.case === "backup" && task.spec.kind.value.repository?.credentials).toBeUndefined();
    const inventory = create(TaskSchema, { id: "t2", spec: { kind: { case: "inventory", value: {} } } });
    expect(await prepare(inventory)).toBe(inventory);
  });
});
