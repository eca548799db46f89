/**
 * A loopback TCP proxy in front of a server (PostgreSQL in the store tests) that can cut every
 * connection at once and refuse new ones for a while, as a server restart does.
 */
import net from 'node:net';

export interface TcpProxy {
  port: number;
  /** Connections open through the proxy now. */
  readonly open: number;
  /** Destroys every open connection (both sides). */
  cut(): void;
  /** Stops listening (new connections are refused) until `accept()`. */
  refuse(): Promise<void>;
  accept(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const handle = (client: net.Socket) => {
    const upstream = net.connect(targetPort, targetHost);
    track(client);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  };
  let server = net.createServer(handle);
  const listen = (port: number) => new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  // close() stops listening at once; its callback waits for the open connections, which cut() ends.
  const stop = async () => void server.close();
  return {
    port,
    get open() {
      return sockets.size / 2;
    },
    cut() {
      for (const s of sockets) s.destroy();
    },
    refuse: stop,
    async accept() {
      server = net.createServer(handle);
      await listen(port);
    },
    async close() {
      for (const s of sockets) s.destroy();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
