// SecureRandom: the fixed test double replays worked examples byte for byte; the default is the platform CSPRNG.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { fromHex, toHex } from "../../src/Bytes.js"
import * as SecureRandom from "../../src/random/SecureRandom.js"

const current = Effect.gen(function* () {
  return yield* SecureRandom.SecureRandom
})
const draw = (length: number) => Effect.flatMap(current, (r) => r.nextBytes(length))

describe("SecureRandom.layerFixed", () => {
  it.effect("replays the given bytes in order, across chunk boundaries (spec 別添2: RND.IFD then K.IFD)", () =>
    Effect.gen(function* () {
      const rndIfd = yield* draw(8)
      const kIfd = yield* draw(16)
      assert.strictEqual(toHex(rndIfd), "1122334455667788")
      assert.strictEqual(toHex(kIfd), "404142434445464748494A4B4C4D4E4F")
    }).pipe(
      Effect.provide(
        SecureRandom.layerFixed(
          fromHex("11 22 33 44 55 66 77 88"),
          fromHex("40 41 42 43 44 45 46 47 48 49 4A 4B 4C 4D 4E 4F")
        )
      )
    )
  )

  it.effect("draws may split and join the supplied chunks", () =>
    Effect.gen(function* () {
      assert.strictEqual(toHex(yield* draw(2)), "0102")
      assert.strictEqual(toHex(yield* draw(3)), "030405")
      assert.strictEqual(toHex(yield* draw(0)), "")
      assert.strictEqual(toHex(yield* draw(1)), "06")
    }).pipe(Effect.provide(SecureRandom.layerFixed(fromHex("01 02 03"), fromHex("04 05"), fromHex("06"))))
  )

  it.effect("asking for more than was supplied is a defect", () =>
    Effect.gen(function* () {
      yield* draw(3)
      const exit = yield* Effect.exit(draw(1))
      assert.isTrue(Exit.hasDies(exit))
    }).pipe(Effect.provide(SecureRandom.layerFixed(fromHex("01 02 03"))))
  )

  it.effect("each use of the layer starts from the first byte again", () =>
    Effect.gen(function* () {
      const fixed = SecureRandom.layerFixed(fromHex("AA BB"))
      assert.strictEqual(toHex(yield* Effect.provide(draw(2), fixed)), "AABB")
      assert.strictEqual(toHex(yield* Effect.provide(draw(2), fixed)), "AABB")
    })
  )
})

describe("SecureRandom default", () => {
  it.effect("needs no layer and produces distinct values of the requested length", () =>
    Effect.gen(function* () {
      const seen = new Set<string>()
      for (let i = 0; i < 32; i++) {
        const bytes = yield* draw(16)
        assert.strictEqual(bytes.length, 16)
        seen.add(toHex(bytes))
      }
      assert.strictEqual(seen.size, 32)
      assert.strictEqual((yield* draw(0)).length, 0)
    })
  )

  it.effect("fills requests above the 65536-byte getRandomValues limit completely", () =>
    Effect.gen(function* () {
      const bytes = yield* SecureRandom.webCrypto.nextBytes(70000)
      assert.strictEqual(bytes.length, 70000)
      const tail = bytes.subarray(65536)
      assert.isTrue(tail.some((b) => b !== 0))
      assert.isTrue(bytes.subarray(0, 65536).some((b) => b !== 0))
    })
  )

  it.effect("SecureRandom.layer provides webCrypto", () =>
    Effect.gen(function* () {
      const r = yield* Effect.provide(current, SecureRandom.layer)
      assert.strictEqual(r, SecureRandom.webCrypto)
    })
  )
})
