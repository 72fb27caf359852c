import { describe, expect, it } from "vitest";
import { decodeFrame, encodeFrame, errorChannelPayload, negotiateProtocol, outcomeStatus } from "./channel-protocol.js";

describe("subprotocol negotiation", () => {
  it("takes the first protocol the client offers that the server supports, in the client's order", () => {
    expect(negotiateProtocol(["v5.channel.k8s.io", "v4.channel.k8s.io"])).toBe("v5.channel.k8s.io");
    expect(negotiateProtocol(["v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io"])).toBe("channel.k8s.io");
    expect(negotiateProtocol(["base64.channel.k8s.io", "v4.channel.k8s.io"])).toBe("base64.channel.k8s.io");
  });

  it("speaks binary channels to a client that offers none, and refuses one that offers only unknown protocols", () => {
    expect(negotiateProtocol([])).toBe("");
    expect(negotiateProtocol(["v6.channel.k8s.io", "SPDY/3.1"])).toBeUndefined();
  });
});

describe("framing", () => {
  it("prefixes binary frames with the channel byte", () => {
    expect(encodeFrame("v5.channel.k8s.io", 1, Buffer.from("hi"))).toEqual(Buffer.from([1, 0x68, 0x69]));
    expect(encodeFrame("channel.k8s.io", 2)).toEqual(Buffer.from([2]));
  });

  it("sends base64 frames as text: the channel digit, then the data in base64", () => {
    expect(encodeFrame("base64.channel.k8s.io", 1, Buffer.from("hello"))).toBe("1aGVsbG8=");
    expect(encodeFrame("v4.base64.channel.k8s.io", 3)).toBe("3");
  });

  it("decodes stdin data in both framings", () => {
    expect(decodeFrame("v4.channel.k8s.io", Buffer.from([0, 0x61, 0x62]), true)).toEqual({ type: "data", channel: 0, data: Buffer.from("ab") });
    expect(decodeFrame("base64.channel.k8s.io", Buffer.from("0YWI="), false)).toEqual({ type: "data", channel: 0, data: Buffer.from("ab") });
  });

  it("reads v5's close signal and refuses it from older protocols", () => {
    expect(decodeFrame("v5.channel.k8s.io", Buffer.from([255, 0]), true)).toEqual({ type: "close", channel: 0 });
    expect(decodeFrame("v4.channel.k8s.io", Buffer.from([255, 0]), true)).toEqual({ type: "invalid" });
    expect(decodeFrame("v5.channel.k8s.io", Buffer.alloc(0), true)).toEqual({ type: "invalid" });
  });
});

describe("the error channel", () => {
  const argv = ["sh", "-c", "exit 3"];

  it("carries Success, or NonZeroExitCode with the code as an ExitCode cause, as v4 Status JSON", () => {
    expect(JSON.parse(errorChannelPayload("v4.channel.k8s.io", outcomeStatus({ type: "exited", code: 0 }, argv))!.toString())).toEqual({ metadata: {}, status: "Success" });
    expect(JSON.parse(errorChannelPayload("v5.channel.k8s.io", outcomeStatus({ type: "exited", code: 3 }, argv))!.toString())).toEqual({
      metadata: {},
      status: "Failure",
      message: "command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3",
      reason: "NonZeroExitCode",
      details: { causes: [{ reason: "ExitCode", message: "3" }] },
    });
  });

  it("reports a command that could not start as an InternalError", () => {
    const status = outcomeStatus({ type: "failed", message: "error executing command in container: boom" }, argv);
    expect(status).toMatchObject({ status: "Failure", reason: "InternalError", code: 500, message: "Internal error occurred: error executing command in container: boom" });
  });

  it("before v4, says nothing on success and the error text otherwise", () => {
    expect(errorChannelPayload("channel.k8s.io", outcomeStatus({ type: "exited", code: 0 }, argv))).toBeUndefined();
    expect(errorChannelPayload("", outcomeStatus({ type: "exited", code: 2 }, argv))!.toString()).toBe(
      "command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 2",
    );
  });
});
