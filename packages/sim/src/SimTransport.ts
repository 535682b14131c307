/**
 * An in-memory `CardTransport` in front of a {@link SimulatedCard}, with the limits of a real link: short-only or
 * extended-length APDUs, a maximum response size, a reader that claims extended length but rejects it, a card
 * pulled off the reader mid-read, and counters of what was exchanged.
 *
 * ```ts
 * import { ResidenceGen1, SimTransport } from "@jpcard/sim"
 * // Effect: a layer; the card is activated when the layer is built and deactivated when it is released.
 * const layer = SimTransport.layer(ResidenceGen1.make(), { extendedLength: false })
 * // With counters and controls:
 * const sim = SimTransport.make(ResidenceGen1.make())
 * // ... Effect.provide(program, sim.layer) ... then sim.stats().apdus
 * ```
 *
 * @since 0.1.0
 */
import {
  type Capabilities,
  CardTransport,
  type CardTransportShape,
  make as makeTransport,
  TransportError,
  type TransportErrorReason
} from "@jpcard/core/transport/CardTransport"
import { Effect, Layer } from "effect"
import { isExtended } from "./iso7816/CommandApdu.js"
import { WRONG_LENGTH } from "./iso7816/StatusWord.js"
import { CardPoweredOffError, type SimulatedCard, sw } from "./SimulatedCard.js"

export interface Options {
  /** Whether extended-length APDUs get through (default `true`). When `false`, they are answered `67 00`. */
  readonly extendedLength?: boolean | undefined
  /**
   * Largest response data field (without SW1-SW2) the link carries; a longer response fails with `TransportError`
   * reason `"Io"`. Default 65536 with extended length, 256 without.
   */
  readonly maxResponseLength?: number | undefined
  /**
   * Largest command APDU (header included); a longer command fails with reason `"Io"`. Default 65544 with extended
   * length, 261 without.
   */
  readonly maxCommandLength?: number | undefined
  /**
   * Reports `extendedLength: true` but answers `67 00` to every extended APDU without passing it to the card, as some
   * readers and phones do (to test a reader's fallback to short APDUs).
   */
  readonly claimsExtendedButRejects?: boolean | undefined
  /** The card is pulled after `n` transmits: transmit `n + 1` and every later one fail with reason `"CardRemoved"`. */
  readonly removeAfter?: number | undefined
}

export interface Stats {
  /** Command APDUs answered (including `67 00` from a short-only link). */
  readonly apdus: number
  /** Bytes of those commands. */
  readonly bytesSent: number
  /** Bytes of those responses, SW1-SW2 included. */
  readonly bytesReceived: number
  /** Transmits that failed with a `TransportError`. */
  readonly failures: number
}

export interface Exchange {
  readonly command: Uint8Array
  /** The response, or the reason of the `TransportError`. */
  readonly response: Uint8Array | TransportErrorReason
}

export interface SimTransport {
  readonly transport: CardTransportShape
  /** `Layer.succeed(CardTransport, transport)`: no power cycling, the `SimTransport`'s owner controls the card. */
  readonly layer: Layer.Layer<CardTransport>
  readonly capabilities: Capabilities
  readonly stats: () => Stats
  readonly resetStats: () => void
  /** Every exchange so far, oldest first (copies). */
  readonly log: () => ReadonlyArray<Exchange>
  /** Takes the card off the reader: it is deactivated and every transmit fails with `"CardRemoved"`. */
  readonly removeCard: () => void
  /** Puts the card back: it is activated (fresh state) and answers again. */
  readonly insertCard: () => void
}

const positiveInteger = (value: number, what: string): number => {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${what}: expected a positive integer, got ${value}`)
  return value
}

/** Activates the card (a new session, every volatile state cleared) and puts a transport in front of it. */
export const make = (card: SimulatedCard, options: Options = {}): SimTransport => {
  const rejectsExtended = options.claimsExtendedButRejects === true
  const extendedLength = rejectsExtended || (options.extendedLength ?? true)
  const capabilities: Capabilities = {
    extendedLength,
    maxResponseLength: positiveInteger(
      options.maxResponseLength ?? (extendedLength ? 65536 : 256),
      "maxResponseLength"
    ),
    maxCommandLength: positiveInteger(options.maxCommandLength ?? (extendedLength ? 65544 : 261), "maxCommandLength")
  }
  const removeAfter = options.removeAfter
  if (removeAfter !== undefined && (!Number.isInteger(removeAfter) || removeAfter < 0)) {
    throw new RangeError(`removeAfter: expected a non-negative integer, got ${removeAfter}`)
  }

  let apdus = 0
  let bytesSent = 0
  let bytesReceived = 0
  let failures = 0
  let attempts = 0
  let removed = false
  let removalScheduled = removeAfter !== undefined
  const exchanges: Array<Exchange> = []

  const failWith = (command: Uint8Array, reason: TransportErrorReason, detail: string) => {
    failures++
    exchanges.push({ command: command.slice(), response: reason })
    return Effect.fail(new TransportError({ reason, detail }))
  }

  const removeCard = () => {
    removed = true
    card.powerOff()
  }

  const transmit = (command: Uint8Array): Effect.Effect<Uint8Array, TransportError> =>
    Effect.suspend(() => {
      attempts++
      if (removalScheduled && removeAfter !== undefined && attempts > removeAfter) {
        removalScheduled = false
        removeCard()
      }
      if (removed) return failWith(command, "CardRemoved", "the simulated card was removed from the reader")
      if (command.length > capabilities.maxCommandLength) {
        return failWith(
          command,
          "Io",
          `command APDU of ${command.length} bytes exceeds maxCommandLength ${capabilities.maxCommandLength}`
        )
      }
      let response: Uint8Array
      if (isExtended(command) && (!extendedLength || rejectsExtended)) {
        response = sw(WRONG_LENGTH)
      } else {
        try {
          response = card.transmit(command.slice())
        } catch (error) {
          if (error instanceof CardPoweredOffError) return failWith(command, "NoCard", error.message)
          throw error
        }
      }
      if (response.length - 2 > capabilities.maxResponseLength) {
        return failWith(
          command,
          "Io",
          `response data of ${response.length - 2} bytes exceeds maxResponseLength ${capabilities.maxResponseLength}`
        )
      }
      apdus++
      bytesSent += command.length
      bytesReceived += response.length
      exchanges.push({ command: command.slice(), response: response.slice() })
      return Effect.succeed(response)
    })

  card.powerOn()
  const transport = makeTransport({ capabilities, transmit })
  return {
    transport,
    layer: Layer.succeed(CardTransport, transport),
    capabilities,
    stats: () => ({ apdus, bytesSent, bytesReceived, failures }),
    resetStats: () => {
      apdus = 0
      bytesSent = 0
      bytesReceived = 0
      failures = 0
      exchanges.length = 0
    },
    log: () =>
      exchanges.map((e) => ({
        command: e.command.slice(),
        response: typeof e.response === "string" ? e.response : e.response.slice()
      })),
    removeCard,
    insertCard: () => {
      removed = false
      removalScheduled = false
      card.powerOn()
    }
  }
}

/**
 * A `CardTransport` layer over `card`: building it activates the card (MF current, nothing authenticated);
 * releasing it deactivates the card. Use {@link make} when a test needs the counters or the remove/insert controls.
 */
export const layer = (card: SimulatedCard, options: Options = {}): Layer.Layer<CardTransport> =>
  Layer.effect(
    CardTransport,
    Effect.acquireRelease(
      Effect.sync(() => make(card, options).transport),
      () => Effect.sync(() => card.powerOff())
    )
  )
