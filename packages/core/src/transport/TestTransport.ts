/**
 * Test doubles for `CardTransport`: a scripted card that expects exact commands (for replaying published worked
 * examples), and a transport over a plain function.
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import { fromHex, toHex } from "../Bytes.js"
import { type Capabilities, CardTransport, type CardTransportShape, extended, TransportError } from "./CardTransport.js"

export interface ScriptedExchange {
  /** The exact command expected, in hex (white space ignored). */
  readonly command: string
  /** The response to give, data and SW, in hex. */
  readonly response: string
}

/**
 * A transport that expects exactly these commands in this order and gives these responses. A different command, or
 * one more than scripted, is a defect carrying both hex strings, so a test shows the first byte that differs.
 * `remaining()` tells a test whether the whole script was used.
 */
export const scripted = (
  script: ReadonlyArray<ScriptedExchange>,
  capabilities: Capabilities = extended
): CardTransportShape & { readonly remaining: () => number } => {
  let index = 0
  return {
    capabilities,
    remaining: () => script.length - index,
    transmit: (command) =>
      Effect.suspend(() => {
        const expected = script[index]
        if (expected === undefined) return Effect.die(new Error(`unscripted command ${toHex(command)}`))
        const want = toHex(fromHex(expected.command))
        if (toHex(command) !== want)
          return Effect.die(new Error(`command ${index}: expected ${want}, got ${toHex(command)}`))
        index++
        return Effect.succeed(fromHex(expected.response))
      })
  }
}

/** A transport over a synchronous card function `(command) => response`. */
export const fromFunction = (
  respond: (command: Uint8Array) => Uint8Array,
  capabilities: Capabilities = extended
): CardTransportShape => ({
  capabilities,
  transmit: (command) =>
    Effect.try({
      try: () => respond(command),
      catch: (cause) => new TransportError({ reason: "Io", detail: String(cause) })
    })
})

export const layer = (transport: CardTransportShape): Layer.Layer<CardTransport> =>
  Layer.succeed(CardTransport, transport)
