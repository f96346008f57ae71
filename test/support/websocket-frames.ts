/**
 * The server side of the WebSocket protocol (RFC 6455), as much as a Socket Mode fake needs: the opening handshake's
 * `Sec-WebSocket-Accept`, unmasked frames from the server, and masked frames from the client read back. Written
 * here because the `ws` package is not installed (@slack/socket-mode 3 connects with undici's WebSocket client, and
 * undici has no server); the protocol is small enough to play faithfully on `node:http`'s `upgrade` event.
 */
import { createHash } from 'node:crypto';

/** RFC 6455 §1.3: the GUID appended to the client's key before hashing. */
const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export const OPCODES = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface Frame {
  fin: boolean;
  opcode: number;
  /** RFC 6455 §5.1: a client must mask every frame it sends; a server closes the connection otherwise. */
  masked: boolean;
  payload: Buffer;
}

export function acceptKey(clientKey: string): string {
  return createHash('sha1').update(`${clientKey}${HANDSHAKE_GUID}`).digest('base64');
}

/** A server frame: FIN set, never masked (RFC 6455 §5.1), lengths of 7, 16 or 64 bits (§5.2). */
export function encodeFrame(opcode: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const len = payload.length;
  let header: Buffer;
  if (len < 126) {
    header = Buffer.from([0x80 | opcode, len]);
  } else if (len < 0x10000) {
    header = Buffer.alloc(4);
    header.writeUInt8(0x80 | opcode, 0);
    header.writeUInt8(126, 1);
    header.writeUInt16BE(len, 2);
  } else {
    header = Buffer.alloc(10);
    header.writeUInt8(0x80 | opcode, 0);
    header.writeUInt8(127, 1);
    header.writeBigUInt64BE(BigInt(len), 2);
  }
  return Buffer.concat([header, payload]);
}

/** A close frame's payload: the status code (2 bytes, big-endian) then a UTF-8 reason (RFC 6455 §5.5.1). */
export function closePayload(code: number, reason = ''): Buffer {
  const body = Buffer.alloc(2);
  body.writeUInt16BE(code, 0);
  return Buffer.concat([body, Buffer.from(reason, 'utf8')]);
}

export function readCloseCode(payload: Buffer): number | null {
  return payload.length >= 2 ? payload.readUInt16BE(0) : null;
}

/** Reads the complete frames at the start of `buffer`; returns them and the bytes of an incomplete last frame. */
export function decodeFrames(buffer: Buffer): { frames: Frame[]; rest: Buffer } {
  const frames: Frame[] = [];
  let offset = 0;
  for (;;) {
    if (buffer.length - offset < 2) break;
    const b0 = buffer.readUInt8(offset);
    const b1 = buffer.readUInt8(offset + 1);
    const masked = (b1 & 0x80) !== 0;
    let len = b1 & 0x7f;
    let at = offset + 2;
    if (len === 126) {
      if (buffer.length < at + 2) break;
      len = buffer.readUInt16BE(at);
      at += 2;
    } else if (len === 127) {
      if (buffer.length < at + 8) break;
      len = Number(buffer.readBigUInt64BE(at));
      at += 8;
    }
    const maskLen = masked ? 4 : 0;
    if (buffer.length < at + maskLen + len) break;
    const mask = buffer.subarray(at, at + maskLen);
    const payload = Buffer.from(buffer.subarray(at + maskLen, at + maskLen + len));
    if (masked) for (let i = 0; i < payload.length; i += 1) payload.writeUInt8(payload.readUInt8(i) ^ mask.readUInt8(i % 4), i);
    frames.push({ fin: (b0 & 0x80) !== 0, opcode: b0 & 0x0f, masked, payload });
    offset = at + maskLen + len;
  }
  return { frames, rest: buffer.subarray(offset) };
}
