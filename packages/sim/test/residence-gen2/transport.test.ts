// The second-generation card behind SimTransport (the core's CardTransport service), including a short-only reader.
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as ResidenceGen2 from "../../src/residence/Gen2Card.js"
import * as SimTransport from "../../src/SimTransport.js"
import { SPEC, selectDf, smReadExtended, smReadShort, toHex, transmit } from "./host.js"

const specCard = () => ResidenceGen2.make({ cardNumber: SPEC.cardNumber, randoms: [SPEC.rndIcc, SPEC.kIcc] })

const specLogin = Effect.gen(function* () {
  assert.strictEqual(toHex((yield* transmit("00 84 00 00 08")).data), "921CE277323DA057")
  const ma = yield* transmit(SPEC.mutualAuthenticate)
  assert.strictEqual(ma.swHex, "9000")
  assert.strictEqual(toHex(ma.data.subarray(32)), "FA942EC51E62FF5F")
  const verify = yield* transmit(SPEC.verify)
  assert.strictEqual(verify.swHex, "9000")
})

describe("ResidenceGen2 over SimTransport", () => {
  it.effect("the worked example's whole-file read of DF1/EF03 over an extended-length reader", () =>
    Effect.gen(function* () {
      assert.strictEqual(toHex((yield* transmit("00 B0 8A 00 00")).data), "C1023035")
      yield* specLogin
      assert.strictEqual((yield* transmit(selectDf("DF1"))).swHex, "9000")
      const images = yield* transmit(smReadExtended(0x84, 0))
      assert.strictEqual(images.swHex, "9000")
      assert.strictEqual(toHex(images.data.subarray(0, 5)), "8682159101")
    }).pipe(Effect.provide(SimTransport.layer(specCard())))
  )

  it.effect("a short-only reader: the extended SM read fails at the link, the short form works (239 bytes)", () => {
    const sim = SimTransport.make(specCard(), { extendedLength: false })
    return Effect.gen(function* () {
      yield* specLogin
      assert.strictEqual((yield* transmit(selectDf("DF1"))).swHex, "9000")
      assert.strictEqual((yield* transmit(smReadExtended(0x84, 0))).swHex, "6700")
      const chunk = yield* transmit(smReadShort(0x84, 0, 0, 0))
      assert.strictEqual(chunk.swHex, "9000")
      assert.strictEqual(chunk.data.length, 244)
    }).pipe(Effect.provide(sim.layer))
  })
})
