import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLoopback, parseListen } from '../../src/http/listen.ts';

describe('http.listen', () => {
  it('parses HOST:PORT and bracketed IPv6', () => {
    expect(parseListen('127.0.0.1:8080')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseListen('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(parseListen('console.internal:443')).toEqual({ host: 'console.internal', port: 443 });
    for (const bad of ['8080', ':8080', '127.0.0.1', '127.0.0.1:65536', '::1:80', 'a b:80', '[::1]']) expect(parseListen(bad), bad).toBeUndefined();
  });

  it('tells loopback addresses from the others', () => {
    expect(['127.0.0.1', '127.4.5.6', '::1', 'localhost', 'LOCALHOST'].map(isLoopback)).toEqual([true, true, true, true, true]);
    expect(['0.0.0.0', '::', '10.0.0.1', '192.168.1.5', 'console.internal', '127.0.0.1.example.com'].map(isLoopback)).toEqual([false, false, false, false, false, false]);
  });

  it('reads back every IPv4 address and port it is given', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 65535 }), (host, port) => {
        expect(parseListen(`${host}:${port}`)).toEqual({ host, port });
        expect(isLoopback(host)).toBe(host.startsWith('127.'));
      }),
    );
  });
});
