// The second-generation card behind SimTransport (the core's CardTransport service), including a short-only reader.
import { assert, describe, it } from "@effect/vitest"
import { CardTransport } from "@jpcard/core/transport/CardTransport"
import { Effect } from "effect"
import * as ResidenceGen2 from "../../src/residence/Gen2Card.js"
import * as SimTransport from "../../src/SimTransport.js"
import { hex, selectDf, smReadExtended, smReadShort, split, toHex } from "./host.js"

const transmit = (h: string | Uint8Array) =>
  CardTransport.use((t) => t.transmit(typeof h === "string" ? hex(h) : h)).pipe(Effect.map(split))

const specCard = () =>
  ResidenceGen2.make({
    cardNumber: "AA12345678BB",
    randoms: [hex("92 1C E2 77 32 3D A0 57"), hex("2C C6 AF 9B 8B 60 7C 66 2F DC AD 27 B4 01 D0 8B")]
  })

const specLogin = Effect.gen(function* () {
  assert.strictEqual(toHex((yield* transmit("00 84 00 00 08")).data), "921CE277323DA057")
  const ma = yield* transmit(`00 82 00 00 28 4A D3 C7 B6 BB 48 4A 52 77 19 77 DE D6 18 B4 1D F8 41 FA 04 76 A0 5F BE
    04 1D EA D6 10 9E 77 3B AC 85 46 17 63 4F 53 97 00`)
  assert.strictEqual(ma.swHex, "9000")
  assert.strictEqual(toHex(ma.data.subarray(32)), "FA942EC51E62FF5F")
  const verify = yield* transmit("08 20 00 86 13 86 11 01 EE 0B 31 EF 87 7F 68 D0 71 C5 6D 58 C7 2E 67 48")
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
