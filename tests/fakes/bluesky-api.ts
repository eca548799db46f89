/**
 * A Bluesky PDS on 127.0.0.1 speaking XRPC as the reference PDS does: sessions
 * (createSession, refreshSession, getSession) with access tokens that can be expired on
 * demand (→ 400 ExpiredToken), uploadBlob, createRecord with a caller-chosen record key
 * (a key already taken answers 500 InternalServerError, as bsky.social does today:
 * bluesky-social/atproto#3718), getRecord, and the post lexicon's limits.
 */
import { createHash } from 'node:crypto';
import { startFake, type FakeRequest, type FakeResponse, type HttpFake } from '../helpers/http-fake.ts';

export const FAKE_DID = 'did:plc:7iza6de2dwap2sbkpav7c6c6';
export const FAKE_HANDLE = 'astanatimes.bsky.social';

export interface BlobRefJson {
  $type: 'blob';
  ref: { $link: string };
  mimeType: string;
  size: number;
}

export interface StoredBlob {
  ref: BlobRefJson;
  data: Buffer;
}

export interface AcceptedRecord {
  rkey: string;
  uri: string;
  cid: string;
  record: Record<string, unknown>;
  request: FakeRequest;
}

export type BlueskyOverride = (req: FakeRequest) => FakeResponse | 'hang' | undefined;

export interface BlueskyFakeOptions {
  identifier?: string;
  password?: string;
}

export interface BlueskyFake {
  url: string;
  fake: HttpFake;
  /** Records created, in order. */
  posts: AcceptedRecord[];
  blobs: Map<string, StoredBlob>;
  /** How many times each XRPC method was called (by NSID). */
  calls(nsid: string): number;
  /** Every access token issued so far answers 400 ExpiredToken from now on. */
  expireAccessTokens(): void;
  /** Every refresh token issued so far answers 400 ExpiredToken from now on. */
  expireRefreshTokens(): void;
  /** Answers the next call of `nsid` (default com.atproto.repo.createRecord) with `handler`; undefined falls through. */
  respondNext(handler: BlueskyOverride, nsid?: string): void;
  close(): Promise<void>;
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** A CIDv1 (sha2-256) in base32: codec 0x55 raw for blobs, 0x71 dag-cbor for records. */
function cid(codec: 0x55 | 0x71, data: Buffer | string): string {
  const digest = createHash('sha256').update(data).digest();
  return `b${base32(Buffer.concat([Buffer.from([0x01, codec, 0x12, 0x20]), digest]))}`;
}

const TID = /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/;
const TID_ALPHABET = '234567abcdefghijklmnopqrstuvwxyz';

/** A TID for the PDS to choose when the caller gives no record key: microseconds now, then a clock id. */
function nextTid(clockId: number): string {
  const value = (BigInt(Date.now()) * 1000n) << 10n | BigInt(clockId & 1023);
  let tid = '';
  for (let i = 12; i >= 0; i--) tid += TID_ALPHABET[Number((value >> BigInt(i * 5)) & 31n)];
  return tid;
}

const error = (status: number, name: string, message: string): FakeResponse => ({ status, body: { error: name, message } });

function graphemes(text: string): number {
  return [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].length;
}

/** What the PDS's lexicon validation says about a post, or undefined when it is valid. */
function invalidPost(record: Record<string, unknown>, blobs: Map<string, StoredBlob>): string | undefined {
  const text = record.text;
  if (typeof text !== 'string') return 'Record/text must be a string';
  if (graphemes(text) > 300) return 'Record/text must not be longer than 300 graphemes';
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > 3000) return 'Record/text must not be longer than 3000 characters';
  if (typeof record.createdAt !== 'string' || Number.isNaN(Date.parse(record.createdAt))) return 'Record/createdAt must be an valid atproto datetime';
  const facets = (record.facets ?? []) as { index?: { byteStart?: number; byteEnd?: number } }[];
  for (const [i, f] of facets.entries()) {
    const start = f.index?.byteStart;
    const end = f.index?.byteEnd;
    if (typeof start !== 'number' || typeof end !== 'number' || start < 0 || end > bytes || start >= end) {
      return `Record/facets/${i}/index is out of the text's bytes`;
    }
  }
  const embed = record.embed as { $type?: string; external?: { uri?: unknown; title?: unknown; description?: unknown; thumb?: BlobRefJson } } | undefined;
  if (embed?.$type === 'app.bsky.embed.external') {
    const ext = embed.external;
    if (typeof ext?.uri !== 'string' || typeof ext.title !== 'string' || typeof ext.description !== 'string') {
      return 'Record/embed/external must have the properties "uri", "title" and "description"';
    }
    if (ext.thumb) {
      const blob = blobs.get(ext.thumb.ref?.$link);
      if (!blob) return 'Could not find blob: ' + String(ext.thumb.ref?.$link);
      if (!blob.ref.mimeType.startsWith('image/')) return 'Record/embed/external/thumb mimeType is not accepted';
      if (blob.ref.size > 1_000_000) return 'Record/embed/external/thumb file too big (maximum size 1000000)';
    }
  }
  return undefined;
}

export async function startBlueskyFake(options: BlueskyFakeOptions = {}): Promise<BlueskyFake> {
  const identifier = options.identifier ?? FAKE_HANDLE;
  const password = options.password ?? 'app-pass-word-1234';
  const fake = await startFake();
  const posts: AcceptedRecord[] = [];
  const records = new Map<string, AcceptedRecord>();
  const blobs = new Map<string, StoredBlob>();
  const overrides = new Map<string, BlueskyOverride>();
  const accessTokens = new Map<string, 'live' | 'expired'>();
  const refreshTokens = new Map<string, 'live' | 'expired'>();
  let issued = 0;

  const newSession = () => {
    issued++;
    const accessJwt = `access-${issued}`;
    const refreshJwt = `refresh-${issued}`;
    accessTokens.set(accessJwt, 'live');
    refreshTokens.set(refreshJwt, 'live');
    return { accessJwt, refreshJwt, handle: FAKE_HANDLE, did: FAKE_DID, active: true };
  };

  /** Undefined when the bearer token is a live one of `kind`, else the PDS's answer. */
  const refusal = (req: FakeRequest, tokens: Map<string, 'live' | 'expired'>): FakeResponse | undefined => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token) return error(401, 'AuthMissing', 'Authentication Required');
    const state = tokens.get(token);
    if (state === 'expired') return error(400, 'ExpiredToken', 'Token has expired');
    if (state !== 'live') return error(400, 'InvalidToken', 'Token could not be verified');
    return undefined;
  };

  const xrpc = (method: 'GET' | 'POST', nsid: string, handler: (req: FakeRequest) => FakeResponse) => {
    fake.route(method, `/xrpc/${nsid}`, (req) => {
      const override = overrides.get(nsid);
      if (override) {
        overrides.delete(nsid);
        const answer = override(req);
        if (answer === 'hang') return undefined;
        if (answer) return answer;
      }
      return handler(req);
    });
  };

  xrpc('POST', 'com.atproto.server.createSession', (req) => {
    const body = (req.json ?? {}) as { identifier?: string; password?: string };
    if ((body.identifier !== identifier && body.identifier !== FAKE_DID) || body.password !== password) {
      return error(401, 'AuthenticationRequired', 'Invalid identifier or password');
    }
    return { body: { ...newSession(), email: 'desk@example.com', emailConfirmed: true } };
  });

  xrpc('POST', 'com.atproto.server.refreshSession', (req) => {
    const refused = refusal(req, refreshTokens);
    if (refused) return refused;
    const used = /^Bearer (.+)$/.exec(req.headers.authorization!)![1]!;
    refreshTokens.set(used, 'expired');
    return { body: newSession() };
  });

  xrpc('GET', 'com.atproto.server.getSession', (req) => {
    return refusal(req, accessTokens) ?? { body: { handle: FAKE_HANDLE, did: FAKE_DID, email: 'desk@example.com', emailConfirmed: true, active: true } };
  });

  xrpc('POST', 'com.atproto.repo.uploadBlob', (req) => {
    const refused = refusal(req, accessTokens);
    if (refused) return refused;
    const mimeType = String(req.headers['content-type'] ?? 'application/octet-stream');
    const ref: BlobRefJson = { $type: 'blob', ref: { $link: cid(0x55, req.body) }, mimeType, size: req.body.length };
    blobs.set(ref.ref.$link, { ref, data: req.body });
    return { body: { blob: ref } };
  });

  xrpc('POST', 'com.atproto.repo.createRecord', (req) => {
    const refused = refusal(req, accessTokens);
    if (refused) return refused;
    const body = (req.json ?? {}) as { repo?: string; collection?: string; rkey?: string; record?: Record<string, unknown> };
    if (body.repo !== FAKE_DID && body.repo !== FAKE_HANDLE) return error(400, 'InvalidRequest', `Could not find repo: ${body.repo}`);
    if (body.collection !== 'app.bsky.feed.post') return error(400, 'InvalidRequest', `Unsupported collection: ${body.collection}`);
    const rkey = body.rkey ?? nextTid(posts.length);
    if (!TID.test(rkey)) return error(400, 'InvalidRequest', `Invalid record key: ${rkey}`);
    const record = body.record ?? {};
    const invalid = invalidPost(record, blobs);
    if (invalid) return error(400, 'InvalidRequest', `Invalid app.bsky.feed.post record: ${invalid}`);
    if (records.has(rkey)) return error(500, 'InternalServerError', 'Internal Server Error');
    const uri = `at://${FAKE_DID}/app.bsky.feed.post/${rkey}`;
    const accepted: AcceptedRecord = { rkey, uri, cid: cid(0x71, JSON.stringify(record)), record, request: req };
    records.set(rkey, accepted);
    posts.push(accepted);
    return { body: { uri, cid: accepted.cid, commit: { cid: cid(0x71, uri), rev: rkey }, validationStatus: 'valid' } };
  });

  xrpc('GET', 'com.atproto.repo.getRecord', (req) => {
    const rkey = req.query.get('rkey') ?? '';
    const found = req.query.get('collection') === 'app.bsky.feed.post' ? records.get(rkey) : undefined;
    const uri = `at://${req.query.get('repo')}/${req.query.get('collection')}/${rkey}`;
    if (!found) return error(400, 'RecordNotFound', `Could not locate record: ${uri}`);
    return { body: { uri: found.uri, cid: found.cid, value: found.record } };
  });

  const expire = (tokens: Map<string, 'live' | 'expired'>) => {
    for (const token of tokens.keys()) tokens.set(token, 'expired');
  };

  return {
    url: fake.url,
    fake,
    posts,
    blobs,
    calls: (nsid) => fake.requests.filter((r) => r.path === `/xrpc/${nsid}`).length,
    expireAccessTokens: () => expire(accessTokens),
    expireRefreshTokens: () => expire(refreshTokens),
    respondNext(handler, nsid = 'com.atproto.repo.createRecord') {
      overrides.set(nsid, handler);
    },
    close: () => fake.close(),
  };
}
