/**
 * The wire protocol of the vsmartcard virtual reader driver (`vpcd`, Debian package `vsmartcard-vpcd`), card side:
 * put any {@link SimulatedCard} behind pcscd so that PC/SC programs (jpcard's `transport-pcsc`, `opensc-tool`,
 * `pcsc_scan`) see it in the reader "Virtual PCD 00 00".
 *
 * Protocol (frankmorgner/vsmartcard `vpcd.h`, `vpcd.c`): TCP; every message in both directions is a 2-byte
 * big-endian length and that many bytes (at most 65535). A 1-byte message from vpcd is a control message:
 * `00` power off, `01` power on, `02` reset, `04` "send your ATR" (the only one that gets an answer, the ATR). Any
 * longer message is a command APDU; the card answers with one framed response APDU (data ‖ SW1 SW2). pcscd asks for
 * the ATR every few hundred milliseconds to see whether the card is still there; a closed connection is a removed
 * card.
 *
 * This module is the protocol only, over a small socket abstraction, so it runs anywhere (browsers included). The
 * Node TCP glue (connect to vpcd on 127.0.0.1, or listen for it in "reversed" mode, loopback only) is in
 * `@jpcard/transport-pcsc/Vpcd`.
 *
 * ```ts
 * const session = Vpcd.attach(card, { write: (b) => socket.write(b), close: () => socket.destroy() })
 * socket.on("data", session.onData)
 * socket.on("close", session.onClose)
 * ```
 *
 * @since 0.1.0
 */
import type { SimulatedCard } from "../SimulatedCard.js"

/** vpcd control messages (vpcd.h `VPCD_CTRL_*`). */
export const Control = {
  PowerOff: 0x00,
  PowerOn: 0x01,
  Reset: 0x02,
  Atr: 0x04
} as const
export type ControlName = keyof typeof Control

/** The largest payload one frame carries (the length prefix is 16 bits). */
export const MAX_PAYLOAD = 0xffff

/** The port vpcd listens on for slot 0 in Debian's `/etc/reader.conf.d/vpcd` (0x8C7B); slot n uses port + n. */
export const DEFAULT_PORT = 35963

/** Frames one message: `uint16 length (big-endian) ‖ payload`. */
export const frame = (payload: Uint8Array): Uint8Array => {
  if (payload.length > MAX_PAYLOAD) throw new RangeError(`vpcd frame payload of ${payload.length} bytes (max 65535)`)
  const out = new Uint8Array(payload.length + 2)
  out[0] = payload.length >> 8
  out[1] = payload.length & 0xff
  out.set(payload, 2)
  return out
}

/**
 * Reassembles frames from a byte stream cut at arbitrary places (TCP delivers chunks, not messages). `push` returns
 * every frame completed by the chunk, in order.
 */
export class FrameDecoder {
  // The chunks received and not yet framed. Kept as a list rather than joined on every push: a peer that sends a
  // 64 KB frame a byte at a time would otherwise copy the growing buffer on each byte (quadratic: over a second of
  // copying for one frame). Each byte is now copied once, into the frame it belongs to.
  private chunks: Array<Uint8Array> = []
  /** Index of the first chunk not yet consumed (an array's `shift` would make many small chunks quadratic again). */
  private head = 0
  private size = 0

  push(chunk: Uint8Array): Array<Uint8Array> {
    if (chunk.length > 0) {
      this.chunks.push(chunk.slice())
      this.size += chunk.length
    }
    const frames: Array<Uint8Array> = []
    while (this.size >= 2) {
      const header = this.peek(2)
      const length = (header[0]! << 8) | header[1]!
      if (this.size - 2 < length) break
      frames.push(this.take(2 + length).subarray(2))
    }
    return frames
  }

  /** Bytes received that do not make a whole frame yet. */
  get pending(): number {
    return this.size
  }

  /** The first `n` bytes (n ≤ size), not consumed. */
  private peek(n: number): Uint8Array {
    const first = this.chunks[this.head]!
    if (first.length >= n) return first.subarray(0, n)
    const out = new Uint8Array(n)
    let at = 0
    for (let i = this.head; i < this.chunks.length; i++) {
      const part = this.chunks[i]!.subarray(0, n - at)
      out.set(part, at)
      at += part.length
      if (at === n) break
    }
    return out
  }

  /** The first `n` bytes (n ≤ size), consumed: a fresh array. */
  private take(n: number): Uint8Array {
    const out = new Uint8Array(n)
    let at = 0
    while (at < n) {
      const c = this.chunks[this.head]!
      const part = c.subarray(0, n - at)
      out.set(part, at)
      at += part.length
      if (part.length === c.length) this.head++
      else this.chunks[this.head] = c.subarray(part.length)
    }
    this.size -= n
    if (this.head === this.chunks.length) {
      this.chunks = []
      this.head = 0
    } else if (this.head > 1024 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head)
      this.head = 0
    }
    return out
  }
}

/** The byte pipe to vpcd: a TCP socket in Node, anything that moves bytes elsewhere. */
export interface VpcdSocket {
  /** Sends bytes (already framed). */
  write(bytes: Uint8Array): void
  /** Closes the connection: to pcscd, the card was removed. */
  close(): void
}

/** What the session saw, for logs and tests. */
export type VpcdEvent =
  | { readonly _tag: "Control"; readonly control: ControlName | "Unknown"; readonly code: number }
  | { readonly _tag: "Command"; readonly index: number; readonly command: Uint8Array; readonly response: Uint8Array }
  | { readonly _tag: "Removed"; readonly by: "card" | "reader" }
  | { readonly _tag: "Error"; readonly message: string }

export interface AttachOptions {
  /**
   * Called with each command APDU (numbered from 0 in this connection) before the card sees it. Returning `"remove"`
   * pulls the card out instead of answering: the connection closes with the command unanswered, as when a card
   * leaves the field in the middle of an exchange.
   */
  readonly beforeCommand?: ((command: Uint8Array, index: number) => "remove" | undefined) | undefined
  /** Every control message, command and removal, in order. */
  readonly onEvent?: ((event: VpcdEvent) => void) | undefined
}

/** One card's connection to one vpcd slot. */
export interface VpcdSession {
  /** Feed every chunk received from vpcd. */
  readonly onData: (chunk: Uint8Array) => void
  /** Call when the connection closed from the other side (pcscd stopped, or the socket failed). */
  readonly onClose: () => void
  /** Pulls the card out: closes the connection and powers the card off. Idempotent. */
  readonly remove: () => void
  /** Whether the connection is closed (removed by either side). */
  readonly closed: () => boolean
  /** Command APDUs answered so far in this connection. */
  readonly commands: () => number
}

/** `6F 00`: no precise diagnosis. What the card answers when the simulator itself fails. */
const SW_NO_PRECISE_DIAGNOSIS = Uint8Array.of(0x6f, 0x00)

const describe = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

const controlName = (code: number): ControlName | "Unknown" => {
  switch (code) {
    case Control.PowerOff:
      return "PowerOff"
    case Control.PowerOn:
      return "PowerOn"
    case Control.Reset:
      return "Reset"
    case Control.Atr:
      return "Atr"
    default:
      return "Unknown"
  }
}

/**
 * Connects a simulated card to a vpcd connection. The card stays inserted until `remove()` or until the connection
 * closes; either way it is powered off, and later data is ignored.
 */
export const attach = (card: SimulatedCard, socket: VpcdSocket, options: AttachOptions = {}): VpcdSession => {
  const decoder = new FrameDecoder()
  let closed = false
  let commands = 0
  const emit = (event: VpcdEvent) => options.onEvent?.(event)

  const shutdown = (by: "card" | "reader") => {
    if (closed) return
    closed = true
    try {
      card.powerOff()
    } catch {
      // a card model that refuses to power off twice is still removed
    }
    emit({ _tag: "Removed", by })
    if (by === "card") socket.close()
  }

  const send = (payload: Uint8Array) => {
    if (!closed) socket.write(frame(payload))
  }

  const onControl = (code: number) => {
    const name = controlName(code)
    emit({ _tag: "Control", control: name, code })
    try {
      switch (code) {
        case Control.PowerOff:
          card.powerOff()
          return
        case Control.PowerOn:
          card.powerOn()
          return
        case Control.Reset:
          card.powerOff()
          card.powerOn()
          return
        case Control.Atr:
          send(card.atr)
          return
        default:
          emit({ _tag: "Error", message: `unknown vpcd control byte 0x${code.toString(16).padStart(2, "0")}, ignored` })
      }
    } catch (cause) {
      emit({ _tag: "Error", message: `the simulated card threw on ${name}: ${describe(cause)}` })
    }
  }

  const onCommand = (command: Uint8Array) => {
    const index = commands
    if (options.beforeCommand?.(command, index) === "remove") {
      shutdown("card")
      return
    }
    let response: Uint8Array
    try {
      response = card.transmit(command)
    } catch (cause) {
      emit({ _tag: "Error", message: `the simulated card threw: ${describe(cause)}` })
      response = SW_NO_PRECISE_DIAGNOSIS
    }
    if (response.length > MAX_PAYLOAD || response.length < 2) {
      emit({ _tag: "Error", message: `response of ${response.length} bytes cannot be framed for vpcd; answered 6F00` })
      response = SW_NO_PRECISE_DIAGNOSIS
    }
    commands++
    emit({ _tag: "Command", index, command, response })
    send(response)
  }

  const onData = (chunk: Uint8Array) => {
    if (closed) return
    for (const message of decoder.push(chunk)) {
      if (closed) return
      if (message.length === 0) continue
      if (message.length === 1) onControl(message[0]!)
      else onCommand(message)
    }
  }

  return {
    onData,
    onClose: () => shutdown("reader"),
    remove: () => shutdown("card"),
    closed: () => closed,
    commands: () => commands
  }
}
