import type { JsonObject } from "../api-types.js";

/**
 * The WebSocket subprotocols of the kubelet's remotecommand server
 * (kubelet/pkg/cri/streaming/remotecommand/websocket.go): each message carries one channel,
 * named by its first byte (binary) or first character (base64, the rest base64-encoded).
 * v4 sends a metav1.Status on the error channel; v5 adds a close signal (channel 255 with the
 * number of the channel to close), which is how a client ends stdin. "" is a client that
 * offered no subprotocol: binary framing, as channel.k8s.io.
 */
export const channelProtocols = ["v5.channel.k8s.io", "v4.channel.k8s.io", "v4.base64.channel.k8s.io", "channel.k8s.io", "base64.channel.k8s.io"] as const;
export type ChannelProtocol = (typeof channelProtocols)[number] | "";

export const Channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4 } as const;
/** v5's close signal: [255, channel]. */
export const closeSignal = 255;

/**
 * The protocol the server speaks: the first the client offers that it supports, in the
 * client's order (wsstream's handshake). undefined when the client offered only unknown ones.
 */
export function negotiateProtocol(offered: readonly string[]): ChannelProtocol | undefined {
  if (offered.length === 0) return "";
  return offered.find((p): p is ChannelProtocol => (channelProtocols as readonly string[]).includes(p));
}

function isBase64(protocol: ChannelProtocol): boolean {
  return protocol.includes("base64");
}

/** Whether the error channel carries a JSON Status (v4 and later) rather than plain error text. */
export function sendsStatusObjects(protocol: ChannelProtocol): boolean {
  return protocol.startsWith("v4.") || protocol.startsWith("v5.");
}

export function supportsCloseSignal(protocol: ChannelProtocol): boolean {
  return protocol.startsWith("v5.");
}

/** One outgoing message: a Buffer to send as binary, a string to send as text. */
export function encodeFrame(protocol: ChannelProtocol, channel: number, data: Uint8Array = new Uint8Array()): Buffer | string {
  if (isBase64(protocol)) return String.fromCharCode(0x30 + channel) + Buffer.from(data).toString("base64");
  const frame = Buffer.allocUnsafe(data.length + 1);
  frame[0] = channel;
  frame.set(data, 1);
  return frame;
}

export type IncomingFrame = { type: "data"; channel: number; data: Buffer } | { type: "close"; channel: number } | { type: "invalid" };

/** Decodes one incoming message; an empty one, or a close signal outside v5, is invalid. */
export function decodeFrame(protocol: ChannelProtocol, message: Buffer, isBinary: boolean): IncomingFrame {
  if (message.length === 0) return { type: "invalid" };
  if (isBase64(protocol) && !isBinary) {
    const channel = message[0]! - 0x30;
    if (channel < 0 || channel > 9) return { type: "invalid" };
    return { type: "data", channel, data: Buffer.from(message.subarray(1).toString("latin1"), "base64") };
  }
  const channel = message[0]!;
  if (channel === closeSignal) {
    if (!supportsCloseSignal(protocol) || message.length < 2) return { type: "invalid" };
    return { type: "close", channel: message[1]! };
  }
  return { type: "data", channel, data: message.subarray(1) };
}

/** How an exec'd command ended: its exit code, or a failure to start it. */
export type ExecOutcome = { type: "exited"; code: number } | { type: "failed"; message: string };

/**
 * The Status the kubelet writes on the error channel (remotecommand/httpstream.go,
 * ServeExec): Success; NonZeroExitCode with the code as an ExitCode cause, worded as
 * containerd's CodeExitError; or an InternalError. Marshalled as Go does it, without
 * TypeMeta and with an empty metadata.
 */
export function outcomeStatus(outcome: ExecOutcome, argv: readonly string[]): JsonObject {
  if (outcome.type === "exited" && outcome.code === 0) return { metadata: {}, status: "Success" };
  if (outcome.type === "exited") {
    return {
      metadata: {},
      status: "Failure",
      message: `command terminated with non-zero exit code: error executing command [${argv.join(" ")}], exit code ${outcome.code}`,
      reason: "NonZeroExitCode",
      details: { causes: [{ reason: "ExitCode", message: String(outcome.code) }] },
    };
  }
  return {
    metadata: {},
    status: "Failure",
    message: `Internal error occurred: ${outcome.message}`,
    reason: "InternalError",
    details: { causes: [{ message: outcome.message }] },
    code: 500,
  };
}

/**
 * What goes on the error channel: the Status for v4 and later; before v4, nothing on
 * success and the error text otherwise (v1WriteStatusFunc).
 */
export function errorChannelPayload(protocol: ChannelProtocol, status: JsonObject): Buffer | undefined {
  if (sendsStatusObjects(protocol)) return Buffer.from(JSON.stringify(status));
  return status.status === "Success" ? undefined : Buffer.from(String(status.message));
}
