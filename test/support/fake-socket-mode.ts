/**
 * A fake of Slack's Socket Mode WebSocket endpoint on 127.0.0.1 (random port), as docs.slack.dev "Using Socket Mode"
 * describes it: the app calls `apps.connections.open` with its app-level token (FakeSlackApi.attachSocketMode answers
 * with `issueUrl()`), connects to `ws://…/link/?ticket=…&app_id=…` (each ticket works once), and is greeted with a
 * `hello`; then Slack pushes envelopes `{envelope_id, type, payload, accepts_response_payload}` and the app answers
 * each with `{envelope_id, payload?}` within 3 seconds. The fake records every ack with its time, pings the client as
 * Slack does (@slack/socket-mode disconnects when no ping arrives within 30 s of the last), answers the client's pings,
 * can send a `disconnect` (refresh_requested), and completes the close handshake the client starts.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { z } from 'zod';
import { acceptKey, closePayload, decodeFrames, encodeFrame, OPCODES, readCloseCode, type Frame } from './websocket-frames.js';

export const FAKE_APP_ID = 'A0TEST';
export const FAKE_APP_TOKEN = `xapp-1-${FAKE_APP_ID}-1-abc`;

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface SocketModeConnection {
  /** 1, 2, … in the order the client connected. */
  id: number;
  ticket: string;
  openedAt: number;
  /** When the fake sent `hello` (at once after the handshake). */
  helloAt: number;
  /** The status code of the client's close frame (1000 for a normal close), null while none came. */
  clientCloseCode: number | null;
  /** When the TCP connection ended, null while it is open. */
  closedAt: number | null;
  pingsFromClient: number;
  pongsFromClient: number;
  /** What the client sent that Slack does not expect: binary or unmasked frames, text that is not an ack. */
  unexpected: string[];
}

export interface SentEnvelope { envelopeId: string; type: EnvelopeType; connection: number; sentAt: number }

export interface SocketModeAck {
  envelopeId: string;
  connection: number;
  at: number;
  /** ms from sending the envelope to receiving its ack; null for an ack of an envelope the fake never sent. */
  afterMs: number | null;
  /** The ack's optional `payload` (an immediate response for slash commands and some interactions). */
  payload: Record<string, unknown> | null;
}

export interface FakeSocketModeOptions {
  appId?: string;
  appToken?: string;
  /** How often the fake pings each connection. Default 10 s (the client gives up after 30 s without one). */
  pingIntervalMs?: number;
}

const AckMessage = z.object({ envelope_id: z.string().min(1), payload: z.record(z.string(), z.unknown()).optional() });

interface Live { record: SocketModeConnection; socket: Duplex; pending: Buffer; fragments: Buffer[]; closeSent: boolean; pinger: NodeJS.Timeout }

export class FakeSocketMode {
  readonly appId: string;
  readonly appToken: string;
  readonly connections: SocketModeConnection[] = [];
  readonly envelopes: SentEnvelope[] = [];
  readonly acks: SocketModeAck[] = [];
  private readonly live = new Map<number, Live>();
  private readonly tickets = new Set<string>();
  private readonly pingIntervalMs: number;
  private readonly server = createServer((_req, res) => { res.writeHead(426, { Upgrade: 'websocket' }).end(); });
  private port = 0;

  constructor(opts: FakeSocketModeOptions = {}) {
    this.appId = opts.appId ?? FAKE_APP_ID;
    this.appToken = opts.appToken ?? FAKE_APP_TOKEN;
    this.pingIntervalMs = opts.pingIntervalMs ?? 10_000;
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
  }

  async start(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** A new single-use WebSocket URL, as `apps.connections.open` returns it. */
  issueUrl(): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return `ws://127.0.0.1:${this.port}/link/?ticket=${ticket}&app_id=${this.appId}`;
  }

  openConnections(): SocketModeConnection[] { return [...this.live.values()].map((l) => l.record); }

  /** Resolves with the `count`-th connection once it has been greeted with `hello`. */
  waitForConnection(count = 1, timeoutMs = 30_000): Promise<SocketModeConnection> {
    return this.waitFor(() => this.connections[count - 1], timeoutMs, `connection #${count}`);
  }

  waitForAck(envelopeId: string, timeoutMs = 5_000): Promise<SocketModeAck> {
    return this.waitFor(() => this.acks.find((a) => a.envelopeId === envelopeId), timeoutMs, `the ack of envelope ${envelopeId}`);
  }

  waitForClose(connection: number, timeoutMs = 10_000): Promise<SocketModeConnection> {
    return this.waitFor(() => this.connections.find((c) => c.id === connection && c.closedAt !== null), timeoutMs, `connection #${connection} to close`);
  }

  /** Pushes an envelope on the newest open connection; returns its envelope_id. */
  sendEnvelope(type: EnvelopeType, payload: Record<string, unknown>, opts: { acceptsResponsePayload?: boolean } = {}): string {
    const target = this.newest();
    const envelopeId = randomUUID();
    // Slack sets accepts_response_payload for slash commands and interactions (the ack may carry the answer).
    const acceptsResponsePayload = opts.acceptsResponsePayload ?? type !== 'events_api';
    this.envelopes.push({ envelopeId, type, connection: target.record.id, sentAt: Date.now() });
    this.sendJson(target, { envelope_id: envelopeId, type, payload, accepts_response_payload: acceptsResponsePayload });
    return envelopeId;
  }

  /** Slack's notice that it will recycle the connection: the client closes it and opens a new one. */
  sendDisconnect(reason = 'refresh_requested'): number {
    const target = this.newest();
    this.sendJson(target, { type: 'disconnect', reason, debug_info: { host: `applink-fake-${target.record.id}` } });
    return target.record.id;
  }

  async close(): Promise<void> {
    for (const l of this.live.values()) {
      clearInterval(l.pinger);
      l.socket.destroy();
    }
    this.live.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private newest(): Live {
    const open = [...this.live.values()].filter((l) => !l.closeSent && l.record.clientCloseCode === null);
    const last = open[open.length - 1];
    if (last === undefined) throw new Error('fake Socket Mode: no open connection to send on');
    return last;
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const key = req.headers['sec-websocket-key'];
    const ticket = url.searchParams.get('ticket') ?? '';
    if (url.pathname !== '/link/' || typeof key !== 'string' || req.headers['sec-websocket-version'] !== '13') return refuse(socket, '400 Bad Request');
    if (!this.tickets.delete(ticket)) return refuse(socket, '403 Forbidden');
    // No Sec-WebSocket-Extensions in the answer: permessage-deflate, which undici offers, is declined.
    socket.write(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${acceptKey(key)}`, '', ''].join('\r\n'));
    const now = Date.now();
    const record: SocketModeConnection = {
      id: this.connections.length + 1, ticket, openedAt: now, helloAt: now, clientCloseCode: null, closedAt: null,
      pingsFromClient: 0, pongsFromClient: 0, unexpected: [],
    };
    const pinger = setInterval(() => socket.write(encodeFrame(OPCODES.ping, Buffer.from(`ping ${Date.now()}`))), this.pingIntervalMs);
    const l: Live = { record, socket, pending: Buffer.alloc(0), fragments: [], closeSent: false, pinger };
    this.live.set(record.id, l);
    socket.on('data', (chunk: Buffer) => this.receive(l, chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      clearInterval(pinger);
      record.closedAt = Date.now();
      this.live.delete(record.id);
    });
    this.sendJson(l, {
      type: 'hello', num_connections: this.live.size,
      debug_info: { host: `applink-fake-${record.id}`, build_number: 1, approximate_connection_time: 18060 },
      connection_info: { app_id: this.appId },
    });
    this.connections.push(record);
    if (head.length > 0) this.receive(l, head);
  }

  private receive(l: Live, chunk: Buffer): void {
    const { frames, rest } = decodeFrames(Buffer.concat([l.pending, chunk]));
    l.pending = rest;
    for (const frame of frames) this.onFrame(l, frame);
  }

  private onFrame(l: Live, frame: Frame): void {
    if (!frame.masked) {
      l.record.unexpected.push(`unmasked frame (opcode ${frame.opcode})`);
      return this.sendClose(l, 1002);
    }
    switch (frame.opcode) {
      case OPCODES.ping:
        l.record.pingsFromClient += 1;
        l.socket.write(encodeFrame(OPCODES.pong, frame.payload));
        return;
      case OPCODES.pong:
        l.record.pongsFromClient += 1;
        return;
      case OPCODES.close:
        l.record.clientCloseCode = readCloseCode(frame.payload) ?? 1005;
        this.sendClose(l, l.record.clientCloseCode === 1005 ? 1000 : l.record.clientCloseCode);
        l.socket.end();
        return;
      case OPCODES.text:
      case OPCODES.continuation:
        l.fragments.push(frame.payload);
        if (frame.fin) this.onText(l, Buffer.concat(l.fragments).toString('utf8'));
        if (frame.fin) l.fragments = [];
        return;
      default:
        l.record.unexpected.push(`frame with opcode ${frame.opcode}`);
    }
  }

  private onText(l: Live, text: string): void {
    let parsed: unknown;
    try { parsed = JSON.parse(text); } catch { parsed = null; }
    const ack = AckMessage.safeParse(parsed);
    if (!ack.success) {
      l.record.unexpected.push(text);
      return;
    }
    const at = Date.now();
    const sent = this.envelopes.find((e) => e.envelopeId === ack.data.envelope_id);
    this.acks.push({
      envelopeId: ack.data.envelope_id, connection: l.record.id, at, afterMs: sent ? at - sent.sentAt : null, payload: ack.data.payload ?? null,
    });
  }

  private sendJson(l: Live, message: Record<string, unknown>): void {
    l.socket.write(encodeFrame(OPCODES.text, Buffer.from(JSON.stringify(message), 'utf8')));
  }

  private sendClose(l: Live, code: number): void {
    if (l.closeSent) return;
    l.closeSent = true;
    l.socket.write(encodeFrame(OPCODES.close, closePayload(code)));
  }

  private async waitFor<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > end) {
        const seen = this.connections.map((c) => `#${c.id} close ${c.clientCloseCode ?? '-'} unexpected ${c.unexpected.length}`).join('; ');
        throw new Error(`fake Socket Mode: no ${what} within ${timeoutMs} ms; connections: [${seen}], acks: ${this.acks.length}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

function refuse(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export async function startFakeSocketMode(opts: FakeSocketModeOptions = {}): Promise<FakeSocketMode> {
  return new FakeSocketMode(opts).start();
}
