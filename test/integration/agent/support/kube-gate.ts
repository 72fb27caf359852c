// A pass-through HTTP proxy in front of an emulator that can hold requests: a test holds the gate
// to keep a task's API requests (and so the task) in flight while it drops streams or cancels,
// and sees which held requests the agent gave up on.
import { writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface KubeGate {
  url: string;
  /** Hold every request from now on until release(). */
  hold(): void;
  /** Let held and later requests through. */
  release(): void;
  /** Requests waiting at the gate now. */
  readonly waiting: number;
  /** Held requests whose client went away before the gate opened (an aborted request). */
  readonly abandoned: number;
  /** Writes `kubeconfig` (an emulator's) to `path` with the gate in place of the emulator. */
  writeKubeconfig(kubeconfig: string, emulatorUrl: string, path: string): Promise<void>;
  close(): Promise<void>;
}

export async function startKubeGate(targetUrl: string): Promise<KubeGate> {
  const target = new URL(targetUrl);
  let isHeld = false;
  let held: (() => void)[] = [];
  let abandoned = 0;
  const forward = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    res.on("close", () => upstream.destroy());
    req.pipe(upstream);
  };
  const server = http.createServer((req, res) => {
    if (!isHeld) return forward(req, res);
    let isGone = false;
    res.on("close", () => {
      if (!res.writableFinished && !isGone) {
        isGone = true;
        abandoned++;
      }
    });
    held.push(() => {
      if (!isGone) forward(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    hold: () => {
      isHeld = true;
    },
    release: () => {
      isHeld = false;
      const waiting = held;
      held = [];
      for (const go of waiting) go();
    },
    get waiting() {
      return held.length;
    },
    get abandoned() {
      return abandoned;
    },
    async writeKubeconfig(kubeconfig, emulatorUrl, path) {
      await writeFile(path, kubeconfig.replaceAll(emulatorUrl, url));
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
