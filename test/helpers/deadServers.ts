/**
 * Servers that fail the way real ones do, on 127.0.0.1: one that accepts connections and never
 * answers (a hung server), and a port where nothing listens (a stopped one).
 */
import * as net from 'node:net';

/** Runs `fn` with the port of a server that accepts and never answers; closes it after. */
export async function withSilentServer<T>(fn: (port: number) => Promise<T>): Promise<T> {
  const sockets: net.Socket[] = [];
  const srv = net.createServer((s) => void sockets.push(s));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  try {
    return await fn((srv.address() as net.AddressInfo).port);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((r) => srv.close(r));
  }
}

/** A port nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((r) => probe.close(r));
  return port;
}
