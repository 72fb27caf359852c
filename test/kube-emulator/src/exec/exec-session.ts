import type { WebSocket } from "ws";
import type { KubeObject } from "../api-types.js";
import { Channel, decodeFrame, encodeFrame, errorChannelPayload, outcomeStatus, type ChannelProtocol } from "./channel-protocol.js";
import type { ContainerRuntime } from "./container-runtime.js";

export interface ExecStreams {
  pod: KubeObject;
  container: string;
  argv: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/**
 * Serves one exec over an upgraded WebSocket, as the kubelet's remotecommand server does:
 * an empty message on the lowest output channel once the streams are open, stdin from
 * channel 0 (ended by v5's close signal), resize messages on channel 4 accepted and
 * ignored, output on 1 and 2, then the outcome on the error channel and a normal close.
 * A client that goes away early takes the command with it.
 */
export function serveExecSession(ws: WebSocket, protocol: ChannelProtocol, runtime: ContainerRuntime, streams: ExecStreams): void {
  const send = (channel: number, data?: Uint8Array): void => {
    if (ws.readyState === ws.OPEN) ws.send(encodeFrame(protocol, channel, data));
  };
  send(streams.stdout ? Channel.stdout : streams.stderr ? Channel.stderr : Channel.error);

  const command = runtime.exec({ pod: streams.pod, container: streams.container, argv: streams.argv, stdin: streams.stdin, tty: streams.tty }, (stream, chunk) => {
    if (stream === "stdout" && streams.stdout) send(Channel.stdout, chunk);
    if (stream === "stderr" && streams.stderr) send(Channel.stderr, chunk);
  });
  let finished = false;

  ws.on("message", (message: Buffer, isBinary: boolean) => {
    const frame = decodeFrame(protocol, message, isBinary);
    if (frame.type === "close" && frame.channel === Channel.stdin) command.stdin?.end();
    if (frame.type === "data" && frame.channel === Channel.stdin && frame.data.length > 0) command.stdin?.write(frame.data);
  });
  ws.on("close", () => {
    if (!finished) command.kill();
  });
  ws.on("error", () => command.kill());

  void command.done.then((outcome) => {
    finished = true;
    const payload = errorChannelPayload(protocol, outcomeStatus(outcome, streams.argv));
    if (payload) send(Channel.error, payload);
    if (ws.readyState === ws.OPEN) ws.close(1000);
  });
}
