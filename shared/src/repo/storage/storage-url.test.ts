import { describe, expect, it } from "vitest";
import { FilesystemStorage } from "./filesystem-storage.js";
import { S3Storage } from "./s3-storage.js";
import { openStorage, redactUrl } from "./storage-url.js";

describe("openStorage", () => {
  it("opens a filesystem storage for file:///abs/path", async () => {
    const storage = openStorage("file:///srv/lifeboat/repo");
    expect(storage).toBeInstanceOf(FilesystemStorage);
    expect(storage.description).toBe("file:///srv/lifeboat/repo");
  });

  it("opens an S3 storage with bucket, prefix and endpoint from the URL", async () => {
    const storage = openStorage("s3://backups/fleet-a/repo?endpoint=http://127.0.0.1:9000&region=eu-west-1&pathStyle=true");
    expect(storage).toBeInstanceOf(S3Storage);
    expect(storage.description).toBe("s3://backups/fleet-a/repo/");
    await storage.close();
    const bare = openStorage("s3://backups");
    expect(bare.description).toBe("s3://backups/");
    await bare.close();
  });

  it.each([
    ["not a url", /not a URL/],
    ["http://example.com/repo", /scheme "http" is not supported/],
    ["file://server/share/repo", /must name a local path/],
    ["file:///", /filesystem root/],
    ["file:///srv/repo?x=1", /no query parameters/],
    ["s3:///prefix", /no bucket/],
    ["s3://Bad_Bucket/x", /not a valid bucket name/],
    ["s3://bucket:9000/x", /port belongs in the endpoint/],
    ["s3://bucket?endpoint=ftp://h", /endpoint must be an http/],
    ["s3://bucket?pathStyle=yes", /pathStyle must be true or false/],
    ["s3://bucket?colour=blue", /unknown query parameter "colour"/],
    ["s3://bucket/a//b", /empty segment/],
  ])("refuses %s with INVALID_ARGUMENT", (url, problem) => {
    let thrown: unknown;
    try {
      openStorage(url);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringMatching(problem) });
  });

  it("refuses credentials in the URL without repeating them", () => {
    for (const url of [
      "s3://bucket/p?secretAccessKey=SuperSecret1",
      "s3://bucket/p?endpoint=http://127.0.0.1:9000&awsAccessKeyId=SuperSecret1",
      "s3://AKIA:SuperSecret1@bucket/p",
      "s3://bucket/p?endpoint=http://user:SuperSecret1@127.0.0.1:9000",
      "s3://bucket/p?token=SuperSecret1",
    ]) {
      let thrown: { code?: string; message?: string; value?: string } = {};
      try {
        openStorage(url);
      } catch (err) {
        thrown = err as typeof thrown;
      }
      expect(thrown.code, url).toBe("INVALID_ARGUMENT");
      expect(thrown.message, url).not.toContain("SuperSecret1");
      expect(thrown.value, url).not.toContain("SuperSecret1");
    }
  });

  it("redacts user info and credential-like parameters but keeps the rest", () => {
    expect(redactUrl("s3://bucket/p?region=us-east-1&secretKey=abc")).toBe("s3://bucket/p?region=us-east-1&secretKey=***");
    expect(redactUrl("s3://me:pw@bucket/p")).not.toContain("pw");
    expect(redactUrl("::not a url?token=abc")).not.toContain("abc");
  });
});
