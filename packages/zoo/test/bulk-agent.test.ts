import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createBulkReadAgent } from '../src/index.js';

const body = randomBytes(12 << 20);
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('createBulkReadAgent', () => {
  test('delivers every byte in order, in chunks larger than the default 64 KiB reads', async () => {
    const agent = createBulkReadAgent();
    try {
      const res = await request(`${url}/file`, { dispatcher: agent });
      const chunks: Buffer[] = [];
      for await (const c of res.body) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).equals(body)).toBe(true);
      expect(Math.max(...chunks.map((c) => c.length))).toBeGreaterThan(64 << 10);
    } finally {
      await agent.close();
    }
  });

  test('a slow reader still gets everything (reads pause and resume with back-pressure)', async () => {
    const agent = createBulkReadAgent(256 << 10);
    try {
      const res = await request(`${url}/file`, { dispatcher: agent });
      const chunks: Buffer[] = [];
      for await (const c of res.body) {
        chunks.push(c as Buffer);
        if (chunks.length % 8 === 0) await sleep(5);
      }
      expect(Buffer.concat(chunks).equals(body)).toBe(true);
      // Keep-alive: the same connection serves a second request correctly.
      const again = await request(`${url}/file`, { dispatcher: agent });
      expect(Buffer.from(await again.body.arrayBuffer()).equals(body)).toBe(true);
    } finally {
      await agent.close();
    }
  });
});
