/**
 * A loopback proxy in front of a platform fake that can stop a chosen request at a chosen
 * moment: before the platform sees it (`hang-before`: not posted) or after the platform
 * accepted it (`hang-after`: posted, but the client never hears so). The crash test kills
 * Herald while a request hangs.
 */
import { startFake, type FakeRequest, type HttpFake } from './http-fake.ts';

export type GateMode = 'pass' | 'hang-before' | 'hang-after';

export interface GateProxy {
  url: string;
  /** Decides the fate of each request that creates a post. */
  decide: (req: FakeRequest) => GateMode;
  /** Resolves the next time a request is left hanging. */
  nextHang(): Promise<void>;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

export async function startGateProxy(target: string, createsPost: (req: FakeRequest) => boolean): Promise<GateProxy> {
  const proxy: HttpFake = await startFake();
  let waiters: (() => void)[] = [];
  const hung = () => {
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve();
  };
  const gate: GateProxy = {
    url: proxy.url,
    decide: () => 'pass',
    nextHang: () => new Promise((resolve) => waiters.push(resolve)),
    close: () => proxy.close(),
  };
  proxy.fallback(async (req) => {
    const mode = createsPost(req) ? gate.decide(req) : 'pass';
    if (mode === 'hang-before') {
      hung();
      return undefined;
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k, v]) => !HOP_BY_HOP.has(k) && typeof v === 'string') as [string, string][],
    );
    const upstream = await fetch(`${target}${req.url}`, {
      method: req.method,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : new Uint8Array(req.body),
    });
    const body = Buffer.from(await upstream.arrayBuffer());
    if (mode === 'hang-after') {
      hung();
      return undefined;
    }
    const out: Record<string, string> = {};
    upstream.headers.forEach((v, k) => {
      if (!HOP_BY_HOP.has(k) && k !== 'content-encoding') out[k] = v;
    });
    return { status: upstream.status, headers: out, body };
  });
  return gate;
}
