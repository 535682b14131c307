// Faults a card or a link can put into one response: random bytes, a truncated answer, another status word, one
// changed byte, extra bytes, or a failed transmit. A faulty transport applies one of them to the n-th exchange of a
// real (simulated) card conversation, so the reader meets bad input at every step of its pipeline.

import { Effect } from "effect"
import fc from "fast-check"
import { toHex } from "../../../src/Bytes.js"
import {
  type CardTransportShape,
  make as makeTransport,
  TransportError,
  type TransportErrorReason
} from "../../../src/transport/CardTransport.js"

export type Mutation =
  | { readonly kind: "replace"; readonly bytes: Uint8Array }
  | { readonly kind: "truncate"; readonly drop: number }
  | { readonly kind: "statusWord"; readonly sw: number }
  | { readonly kind: "flipByte"; readonly position: number; readonly xor: number }
  | { readonly kind: "insert"; readonly position: number; readonly bytes: Uint8Array }
  | { readonly kind: "transportError"; readonly reason: TransportErrorReason }

/** Status words that steer the reader (retry with another Le, fetch more, end of file, tries left) and plain ones. */
const interestingStatus = fc.oneof(
  fc.constantFrom(0x9000, 0x6282, 0x6b00, 0x6700, 0x6a82, 0x6300, 0x63c0, 0x63c1, 0x63c3, 0x6983, 0x6984, 0x6982),
  fc.constantFrom(0x6100, 0x6101, 0x6110, 0x6c00, 0x6c01, 0x6c08, 0x6c10),
  fc.integer({ min: 0, max: 0xffff })
)

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("replace" as const), bytes: fc.uint8Array({ maxLength: 300 }) }),
  fc.record({ kind: fc.constant("truncate" as const), drop: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ kind: fc.constant("statusWord" as const), sw: interestingStatus }),
  fc.record({
    kind: fc.constant("flipByte" as const),
    position: fc.nat(),
    xor: fc.integer({ min: 1, max: 255 })
  }),
  fc.record({
    kind: fc.constant("insert" as const),
    position: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 64 })
  }),
  fc.record({
    kind: fc.constant("transportError" as const),
    reason: fc.constantFrom<TransportErrorReason>("CardRemoved", "Timeout", "Io")
  })
)

/** The response the reader gets instead of `response` (never called for `transportError`). */
export const applyMutation = (m: Exclude<Mutation, { kind: "transportError" }>, response: Uint8Array): Uint8Array => {
  const dataLength = Math.max(0, response.length - 2)
  switch (m.kind) {
    case "replace":
      return m.bytes
    case "truncate":
      return response.slice(0, Math.max(0, response.length - m.drop))
    case "statusWord": {
      const out = new Uint8Array(dataLength + 2)
      out.set(response.subarray(0, dataLength), 0)
      out[dataLength] = m.sw >> 8
      out[dataLength + 1] = m.sw & 0xff
      return out
    }
    case "flipByte": {
      const out = response.slice()
      if (out.length > 0) out[m.position % out.length]! ^= m.xor
      return out
    }
    case "insert": {
      const at = m.position % (dataLength + 1)
      const out = new Uint8Array(response.length + m.bytes.length)
      out.set(response.subarray(0, at), 0)
      out.set(m.bytes, at)
      out.set(response.subarray(at), at + m.bytes.length)
      return out
    }
  }
}

/** Which exchange (0-based, counting every transmit) gets which mutation. */
export interface Fault {
  readonly at: number
  readonly mutation: Mutation
}

export interface Exchange {
  readonly command: Uint8Array
  /** What the card answered; `undefined` when the fault replaced the transmit by a transport error. */
  readonly original: Uint8Array | undefined
  /** What the reader got; `undefined` for a transport error. */
  readonly delivered: Uint8Array | undefined
}

export interface FaultyTransport {
  readonly transport: CardTransportShape
  readonly exchanges: ReadonlyArray<Exchange>
  /** The exchange the first fault hit, once the reader got that far. */
  readonly faulted: () => Exchange | undefined
}

/** A transport over `inner` that applies the faults (the first one for an exchange) and records every exchange. */
export const withFaults = (inner: CardTransportShape, faults: ReadonlyArray<Fault>): FaultyTransport => {
  const exchanges: Array<Exchange> = []
  const transmit = (command: Uint8Array) =>
    Effect.suspend(() => {
      const index = exchanges.length
      const hit = faults.find((f) => f.at === index)?.mutation
      if (hit?.kind === "transportError") {
        exchanges.push({ command, original: undefined, delivered: undefined })
        return Effect.fail(new TransportError({ reason: hit.reason }))
      }
      return Effect.map(inner.transmit(command), (original) => {
        const delivered = hit === undefined ? original : applyMutation(hit, original)
        exchanges.push({ command, original, delivered })
        return delivered
      })
    })
  return {
    transport: makeTransport({ capabilities: inner.capabilities, transmit }),
    exchanges,
    faulted: () => (faults[0] === undefined ? undefined : exchanges[faults[0].at])
  }
}

/** Status word of a raw response, `undefined` below two bytes. */
export const statusOf = (raw: Uint8Array): number | undefined =>
  raw.length < 2 ? undefined : (raw[raw.length - 2]! << 8) | raw[raw.length - 1]!

/** Data field of a raw response (empty below two bytes). */
export const dataOf = (raw: Uint8Array): Uint8Array => raw.subarray(0, Math.max(0, raw.length - 2))

/** `61xx` (more data waiting) and `6Cxx` (ask again with this Le) make the reader talk to the card again. */
export const asksForAnotherExchange = (sw: number | undefined): boolean =>
  sw !== undefined && (sw >> 8 === 0x61 || sw >> 8 === 0x6c)

/** How the fault changed the exchange it hit: for oracles that depend on what the reader actually received. */
export interface Change {
  readonly command: Uint8Array
  readonly original: Uint8Array
  readonly delivered: Uint8Array
  /** Whether the reader got other bytes than the card sent (a status word set to the same value changes nothing). */
  readonly changed: boolean
  readonly dataChanged: boolean
  readonly statusBefore: number | undefined
  readonly statusAfter: number | undefined
}

export const changeOf = (exchange: Exchange | undefined): Change | undefined => {
  if (exchange?.original === undefined || exchange.delivered === undefined) return undefined
  return {
    command: exchange.command,
    original: exchange.original,
    delivered: exchange.delivered,
    changed: toHex(exchange.original) !== toHex(exchange.delivered),
    dataChanged: toHex(dataOf(exchange.original)) !== toHex(dataOf(exchange.delivered)),
    statusBefore: statusOf(exchange.original),
    statusAfter: statusOf(exchange.delivered)
  }
}
