// SimTransport: the simulated card behind the core's CardTransport service.
import { assert, describe, it } from "@effect/vitest"
import { CardTransport, TransportError } from "@jpcard/core/transport/CardTransport"
import { Effect } from "effect"
import * as ResidenceGen1 from "../src/residence/Gen1Card.js"
import * as SimTransport from "../src/SimTransport.js"
import { CardPoweredOffError } from "../src/SimulatedCard.js"
import { hex, SPEC, selectDf, smReadExtended, toHex, transmit } from "./host.js"

const specCard = () => ResidenceGen1.make({ cardNumber: SPEC.cardNumber, randoms: [SPEC.rndIcc, SPEC.kIcc] })
/** The spec's authentication over the transport. */
const specLogin = Effect.gen(function* () {
  assert.strictEqual(toHex((yield* transmit("00 84 00 00 08")).data), "5A6E7E385162B7A3")
  assert.strictEqual((yield* transmit(SPEC.mutualAuthenticate)).swHex, "9000")
  assert.strictEqual((yield* transmit(SPEC.verify)).swHex, "9000")
})

describe("SimTransport.layer", () => {
  it.effect("provides CardTransport with extended-length capabilities by default", () =>
    Effect.gen(function* () {
      const t = yield* CardTransport
      assert.deepStrictEqual(t.capabilities, {
        extendedLength: true,
        maxResponseLength: 65536,
        maxCommandLength: 65544
      })
      yield* specLogin
      assert.strictEqual((yield* transmit(selectDf("DF1"))).swHex, "9000")
      const front = yield* transmit("08 B0 85 00 00 00 04 96 02 00 00 00 00")
      assert.strictEqual(front.swHex, "9000")
      assert.strictEqual(toHex(front.data.subarray(0, 5)), "86821B6101")
    }).pipe(Effect.provide(SimTransport.layer(specCard())))
  )

  it.effect("activates the card when built and deactivates it when released", () =>
    Effect.gen(function* () {
      const card = ResidenceGen1.make()
      card.transmit(hex("00 84 00 00 08"))
      assert.isTrue(card.inspect().challengeArmed)
      yield* Effect.gen(function* () {
        assert.isFalse(card.inspect().challengeArmed)
        assert.strictEqual((yield* transmit("00 B0 8A 00 00")).swHex, "9000")
      }).pipe(Effect.provide(SimTransport.layer(card)))
      assert.isFalse(card.inspect().powered)
      assert.throws(() => card.transmit(hex("00 B0 8A 00 00")), CardPoweredOffError)
    })
  )

  it.effect("short only: an extended APDU gets 67 00 from the link; short APDUs work", () =>
    Effect.gen(function* () {
      const t = yield* CardTransport
      assert.deepStrictEqual(t.capabilities, { extendedLength: false, maxResponseLength: 256, maxCommandLength: 261 })
      assert.strictEqual((yield* transmit("00 B0 8A 00 00 00 00")).swHex, "6700")
      assert.strictEqual(toHex((yield* transmit("00 B0 8A 00 00")).data), "C10131")
    }).pipe(Effect.provide(SimTransport.layer(ResidenceGen1.make(), { extendedLength: false })))
  )

  it.effect("claimsExtendedButRejects: reports extended length, answers 67 00 to every extended APDU", () =>
    Effect.gen(function* () {
      const t = yield* CardTransport
      assert.isTrue(t.capabilities.extendedLength)
      yield* specLogin
      assert.strictEqual((yield* transmit(selectDf("DF1"))).swHex, "9000")
      assert.strictEqual((yield* transmit(smReadExtended(0x85, 0, 100))).swHex, "6700")
      const chunk = yield* transmit("08 B0 85 00 04 96 02 00 64 00")
      assert.strictEqual(chunk.swHex, "9000")
      assert.strictEqual(toHex(chunk.data.subarray(0, 3)), "866901")
    }).pipe(Effect.provide(SimTransport.layer(specCard(), { claimsExtendedButRejects: true })))
  )

  it.effect("a response longer than maxResponseLength fails with TransportError Io", () =>
    Effect.gen(function* () {
      yield* specLogin
      assert.strictEqual((yield* transmit(selectDf("DF1"))).swHex, "9000")
      const error = yield* Effect.flip(transmit("08 B0 85 00 00 00 04 96 02 00 00 00 00"))
      assert.instanceOf(error, TransportError)
      assert.strictEqual(error.reason, "Io")
      assert.include(error.detail, "7013")
      assert.include(error.detail, "maxResponseLength 1693")
      // A chunk that fits goes through.
      assert.strictEqual((yield* transmit(smReadExtended(0x85, 0, 1600))).swHex, "9000")
    }).pipe(Effect.provide(SimTransport.layer(specCard(), { maxResponseLength: 1693 })))
  )

  it.effect("a command longer than maxCommandLength fails with TransportError Io", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(transmit(new Uint8Array(300)))
      assert.strictEqual(error.reason, "Io")
      assert.include(error.detail, "maxCommandLength 261")
    }).pipe(Effect.provide(SimTransport.layer(ResidenceGen1.make(), { extendedLength: false })))
  )
})

describe("SimTransport.make", () => {
  it.effect("counts APDUs and bytes and logs the exchanges", () =>
    Effect.gen(function* () {
      const sim = SimTransport.make(ResidenceGen1.make())
      yield* Effect.gen(function* () {
        yield* transmit("00 B0 8A 00 00")
        yield* transmit("00 A4 00 00 02 3F 00")
      }).pipe(Effect.provide(sim.layer))
      assert.deepStrictEqual(sim.stats(), { apdus: 2, bytesSent: 12, bytesReceived: 7, failures: 0 })
      assert.deepStrictEqual(
        sim.log().map((e) => [toHex(e.command), typeof e.response === "string" ? e.response : toHex(e.response)]),
        [
          ["00B08A0000", "C101319000"],
          ["00A40000023F00", "9000"]
        ]
      )
      sim.resetStats()
      assert.deepStrictEqual(sim.stats(), { apdus: 0, bytesSent: 0, bytesReceived: 0, failures: 0 })
      assert.deepStrictEqual(sim.log(), [])
    })
  )

  it.effect("removeAfter: n fails transmit n+1 and later ones with CardRemoved; insertCard starts afresh", () =>
    Effect.gen(function* () {
      const card = specCard()
      const sim = SimTransport.make(card, { removeAfter: 3 })
      yield* specLogin.pipe(Effect.provide(sim.layer))
      const error = yield* Effect.flip(transmit(selectDf("DF1")).pipe(Effect.provide(sim.layer)))
      assert.strictEqual(error.reason, "CardRemoved")
      assert.strictEqual(
        (yield* Effect.flip(transmit("00 B0 8A 00 00").pipe(Effect.provide(sim.layer)))).reason,
        "CardRemoved"
      )
      assert.strictEqual(sim.stats().apdus, 3)
      assert.strictEqual(sim.stats().failures, 2)
      assert.isFalse(card.inspect().powered)
      sim.insertCard()
      assert.deepStrictEqual(card.inspect().verified, false)
      const r = yield* transmit("00 B0 8A 00 00").pipe(Effect.provide(sim.layer))
      assert.strictEqual(r.swHex, "9000")
    })
  )

  it.effect("removeCard / a powered-off card: CardRemoved, and NoCard when the harness powered it off", () =>
    Effect.gen(function* () {
      const card = ResidenceGen1.make()
      const sim = SimTransport.make(card)
      sim.removeCard()
      assert.strictEqual((yield* Effect.flip(sim.transport.transmit(hex("00 B0 8A 00 00")))).reason, "CardRemoved")
      sim.insertCard()
      card.powerOff()
      assert.strictEqual((yield* Effect.flip(sim.transport.transmit(hex("00 B0 8A 00 00")))).reason, "NoCard")
    })
  )

  it("rejects invalid limits", () => {
    assert.throws(() => SimTransport.make(ResidenceGen1.make(), { maxResponseLength: 0 }), RangeError)
    assert.throws(() => SimTransport.make(ResidenceGen1.make(), { removeAfter: -1 }), RangeError)
  })

  it("works from plain promise code too", async () => {
    const sim = SimTransport.make(ResidenceGen1.make())
    const response = await Effect.runPromise(sim.transport.transmit(hex("00 B0 8B 00 00")))
    assert.strictEqual(toHex(response), "C004303030319000")
  })
})
