import { assert, describe, it } from "@effect/vitest"
import { CardTransport, ResidenceCard } from "@jpcard/core"
import { ResidenceGen1 } from "@jpcard/sim"
import { Effect, Fiber, Layer } from "effect"
import { TestClock } from "effect/testing"
import * as Adapters from "../src/Adapters.js"
import * as WebNfc from "../src/WebNfc.js"

describe("WebNfc.support", () => {
  it("never claims APDU access, and says what to use instead", () => {
    const withNdef = WebNfc.support({ NDEFReader: class {} })
    assert.isTrue(withNdef.ndef)
    assert.isFalse(withNdef.isoDep)
    assert.include(withNdef.reason, "NDEF messages only")
    assert.isFalse(WebNfc.support({}).ndef)
  })
})

describe("adapters", () => {
  it.effect("an iOS-like IsoDep handler reads a whole residence card within 1693-byte responses", () =>
    Effect.gen(function* () {
      const card = ResidenceGen1.make({ seed: 1 })
      let largest = 0
      const handler: Adapters.IsoDepHandler = {
        transceive: async (bytes) => {
          const response = card.transmit(Uint8Array.from(bytes))
          largest = Math.max(largest, response.length)
          return Array.from(response)
        }
      }
      const transport = Adapters.fromIsoDep(handler, { extendedLength: true, maxTransceiveLength: 1695 })
      const result = yield* ResidenceCard.read(card.cardNumber).pipe(
        Effect.provide(Layer.succeed(CardTransport.CardTransport, transport))
      )
      assert.strictEqual(result.filesRead.length, 7)
      assert.isAtMost(largest, 1695)
    })
  )

  it.effect("a Web Smart Card connection is a byte pipe", () =>
    Effect.gen(function* () {
      const transport = Adapters.fromWebSmartCard({
        transmit: async (data) => Uint8Array.of(...new Uint8Array(data as ArrayBuffer), 0x90, 0x00).buffer
      })
      const response = yield* transport.transmit(Uint8Array.of(1, 2))
      assert.deepStrictEqual(Array.from(response), [1, 2, 0x90, 0x00])
    })
  )

  it.effect("a hanging link times out with a typed error", () =>
    Effect.gen(function* () {
      const transport = Adapters.withTimeout(
        Adapters.fromTransceive(() => new Promise(() => {}), CardTransport.shortOnly),
        3000
      )
      const fiber = yield* Effect.forkChild(Effect.flip(transport.transmit(Uint8Array.of(0))))
      yield* TestClock.adjust("3 seconds")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error.reason, "Timeout")
    })
  )
})
