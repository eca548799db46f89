/** Starting and asking the loopback feed server (bench/feed-server.ts), a child process. */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export interface ServerMessage {
  kind: 'listening' | 'stats';
  port?: number;
  bytes?: number;
  full?: number;
  notModified?: number;
  notFound?: number;
  /** TCP connections accepted. */
  connections?: number;
}

export interface FeedServer {
  child: ChildProcess;
  port: number;
  /** Every feed's body, summed. */
  bytes: number;
  stop(): Promise<void>;
}

export async function startFeedServer(feeds: number, itemsPerFeed: number, newest: number): Promise<FeedServer> {
  const child = fork(fileURLToPath(new URL('./feed-server.ts', import.meta.url)), [String(feeds), String(itemsPerFeed), String(newest)], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [message] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(() => {
      throw new Error('the loopback feed server exited before listening');
    }),
  ])) as [ServerMessage];
  if (message.kind !== 'listening' || message.port === undefined) throw new Error('the loopback feed server did not start');
  return {
    child,
    port: message.port,
    bytes: message.bytes ?? 0,
    async stop() {
      child.disconnect();
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

export async function serverStats(server: FeedServer): Promise<ServerMessage> {
  const answer = once(server.child, 'message');
  server.child.send('stats');
  return ((await answer) as [ServerMessage])[0];
}
