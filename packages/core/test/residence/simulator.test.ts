// The reader against the simulated card (which shares no protocol code with it): full reads over every link shape,
// and every kind of bad input the issue lists, each a typed error naming the step.
import { assert, describe, it } from "@effect/vitest"
import { ResidenceGen1, SimTransport } from "@jpcard/sim"
import { Effect, Layer } from "effect"
import { toHex } from "../../src/Bytes.js"
import * as SecureRandom from "../../src/random/SecureRandom.js"
import * as ResidenceCard from "../../src/residence/ResidenceCard.js"
import * as ApduTrace from "../../src/trace/ApduTrace.js"
import * as TestTransport from "../../src/transport/TestTransport.js"

const NUMBER = "AB12345678CD"

const readWith = (sim: SimTransport.SimTransport, options: ResidenceCard.ReadOptions = {}) =>
  ResidenceCard.read(NUMBER, options).pipe(Effect.provide(sim.layer))

/** A transport over the simulated card whose responses pass through `mutate` (a faulty link or a fake card). */
const faulty = (card: ResidenceGen1.Gen1Card, mutate: (command: Uint8Array, response: Uint8Array) => Uint8Array) =>
  TestTransport.layer(TestTransport.fromFunction((command) => mutate(command, card.transmit(command))))

describe("full reads of the simulated first-generation card", () => {
  it.effect("extended length: one APDU per file, 15 in all, every field decoded", () =>
    Effect.gen(function* () {
      const card = ResidenceGen1.make({ seed: 1 })
      const sim = SimTransport.make(card)
      const result = yield* readWith(sim)
      assert.strictEqual(sim.stats().apdus, 15)
      assert.strictEqual(result.generation, 1)
      if (result.generation !== 1) return
      assert.strictEqual(result.cardType, "1")
      assert.deepStrictEqual(result.filesRead, [
        "frontImage",
        "faceImage",
        "address",
        "comprehensivePermission",
        "individualPermission",
        "renewalApplication",
        "signature"
      ])
      assert.strictEqual(toHex(result.frontImage!.data), toHex(card.files.df1.ef01.subarray(4)))
      assert.strictEqual(result.faceImage?.data.length, 3000)
      assert.strictEqual(result.address?.municipalityCode.length, 6)
      assert.strictEqual(result.address?.address.encoding, "utf-8")
      assert.strictEqual(result.signature?.checkCode.length, 256)
      assert.strictEqual(result.signature?.certificate[0], 0x30)
      assert.strictEqual(result.renewalApplication, "none")
    })
  )

  it.effect("short APDUs of 256 bytes: the same data in the fewest chunks", () =>
    Effect.gen(function* () {
      const extended = yield* readWith(SimTransport.make(ResidenceGen1.make({ seed: 2 })))
      const sim = SimTransport.make(ResidenceGen1.make({ seed: 2 }), { extendedLength: false, maxResponseLength: 256 })
      const short = yield* readWith(sim)
      // 8 fixed (detect 2, authenticate 3, select 3) + DF1 ⌈7004/247⌉ + ⌈3004/247⌉ + DF2 2+1+1+1 + DF3 ⌈1464/256⌉
      assert.strictEqual(sim.stats().apdus, 8 + 29 + 13 + 5 + 6)
      assert.deepStrictEqual(short.raw, extended.raw)
    })
  )

  it.effect("a reader that claims extended length and answers 6700 falls back to chunks and stays there", () =>
    Effect.gen(function* () {
      const sim = SimTransport.make(ResidenceGen1.make({ seed: 3 }), { claimsExtendedButRejects: true })
      const result = yield* readWith(sim)
      assert.strictEqual(result.generation, 1)
      const extendedTries = sim.log().filter((e) => e.command.length > 5 && e.command[4] === 0 && e.command[1] === 0xb0)
      assert.isAtMost(extendedTries.length, 3) // detect's two free reads and the first SM read, then chunks only
    })
  )

  it.effect("the iOS response limit of 1693 bytes reads in chunks that fit", () =>
    Effect.gen(function* () {
      const sim = SimTransport.make(ResidenceGen1.make({ seed: 4 }), { maxResponseLength: 1693 })
      const result = yield* readWith(sim)
      assert.strictEqual(result.generation, 1)
      assert.isTrue(sim.log().every((e) => typeof e.response === "string" || e.response.length <= 1695))
    })
  )

  it.effect("a special permanent resident certificate has no DF2/EF02–04", () =>
    Effect.gen(function* () {
      const result = yield* readWith(SimTransport.make(ResidenceGen1.make({ cardType: "2", seed: 5 })))
      assert.strictEqual(result.cardType, "2")
      assert.deepStrictEqual(result.filesRead, ["frontImage", "faceImage", "address", "signature"])
    })
  )

  it.effect("permissions rewritten to none come back as null; an under-16 card has no face and no signature", () =>
    Effect.gen(function* () {
      const none = yield* readWith(
        SimTransport.make(ResidenceGen1.make({ comprehensivePermission: null, individualPermission: null }))
      )
      assert.isTrue(
        none.generation === 1 && none.comprehensivePermission === null && none.individualPermission === null
      )
      for (const signatureFile of ["DA00DB00", "DA00"] as const) {
        const young = yield* readWith(SimTransport.make(ResidenceGen1.make({ under16: { signatureFile } })))
        assert.isTrue(young.generation === 1 && young.faceImage === null && young.signature === null)
      }
    })
  )

  it.effect("options choose the files: only DF2 is selected for the address", () =>
    Effect.gen(function* () {
      const sim = SimTransport.make(ResidenceGen1.make())
      const result = yield* readWith(sim, { files: ["address"] })
      assert.deepStrictEqual(result.filesRead, ["address"])
      assert.strictEqual(sim.stats().apdus, 2 + 3 + 2)
    })
  )
})

describe("bad input", () => {
  it.effect("a malformed card number fails before any APDU", () =>
    Effect.gen(function* () {
      const sim = SimTransport.make(ResidenceGen1.make())
      for (const bad of ["", "AB1234567CD", "1234567890AB", "AB12345678C", "AB12-45678CD"]) {
        const error = yield* Effect.flip(ResidenceCard.read(bad).pipe(Effect.provide(sim.layer)))
        assert.strictEqual(error._tag, "InvalidCardNumberError")
      }
      assert.strictEqual(sim.stats().apdus, 0)
    })
  )

  it.effect("lower case is accepted (normalised), a wrong number is a typed authentication error, never retried", () =>
    Effect.gen(function* () {
      const sim = SimTransport.make(ResidenceGen1.make())
      yield* ResidenceCard.read(NUMBER.toLowerCase(), { files: ["renewalApplication"] }).pipe(Effect.provide(sim.layer))
      sim.resetStats()
      const error = yield* Effect.flip(ResidenceCard.read("ZZ99999999ZZ").pipe(Effect.provide(sim.layer)))
      assert.strictEqual(error._tag, "ResidenceAuthenticationError")
      if (error._tag === "ResidenceAuthenticationError") assert.strictEqual(error.reason, "WrongCardNumber")
      assert.notInclude(error.message, "ZZ99999999ZZ")
      // The same session is still in DF2: detect selects the MF again (2 more), then GET CHALLENGE and one MUTUAL
      // AUTHENTICATE: no second attempt.
      assert.strictEqual(sim.stats().apdus, 4 + 2)
    })
  )

  it.effect("a card that answers garbage is a MalformedResponseError naming the step", () =>
    Effect.gen(function* () {
      const card = ResidenceGen1.make()
      const error = yield* Effect.flip(
        ResidenceCard.read(NUMBER).pipe(
          Effect.provide(faulty(card, (c, r) => (c[1] === 0x84 ? Uint8Array.of(0x90) : r)))
        )
      )
      assert.strictEqual(error._tag, "MalformedResponseError")
      if (error._tag === "MalformedResponseError") assert.include(error.step, "getChallenge")
    })
  )

  it.effect("a forged card MAC and a wrong echo are caught", () =>
    Effect.gen(function* () {
      const flipAt = (index: number) => (c: Uint8Array, r: Uint8Array) => {
        if (c[1] !== 0x82 || r.length < 42) return r
        const copy = Uint8Array.from(r)
        copy[index]! ^= 0x01
        return copy
      }
      const badMac = yield* Effect.flip(
        ResidenceCard.read(NUMBER).pipe(Effect.provide(faulty(ResidenceGen1.make(), flipAt(35))))
      )
      assert.isTrue(badMac._tag === "ResidenceAuthenticationError" && badMac.reason === "CardMacInvalid")
    })
  )

  it.effect("truncated data, a bad padding indicator and wrong padding in SM responses are typed errors", () =>
    Effect.gen(function* () {
      const isSmRead = (c: Uint8Array) => c[0] === 0x08 && c[1] === 0xb0
      const truncated = yield* Effect.flip(
        ResidenceCard.read(NUMBER).pipe(
          Effect.provide(
            faulty(ResidenceGen1.make(), (c, r) => (isSmRead(c) ? Uint8Array.of(...r.subarray(0, 40), 0x90, 0x00) : r))
          )
        )
      )
      assert.strictEqual(truncated._tag, "SecureMessagingError")
      const indicator = yield* Effect.flip(
        ResidenceCard.read(NUMBER).pipe(
          Effect.provide(
            faulty(ResidenceGen1.make(), (c, r) => {
              if (!isSmRead(c)) return r
              const copy = Uint8Array.from(r)
              copy[4] = 0x02 // 86 82 LL LL [01] → 02
              return copy
            })
          )
        )
      )
      assert.isTrue(indicator._tag === "SecureMessagingError" && indicator.reason === "BadPaddingIndicator")
      // Deterministic on both sides (seeded card, fixed terminal randoms), so the corrupted block decrypts to the
      // same bytes on every run: a padding failure, not a lucky 80 00.. pattern.
      const padding = yield* Effect.flip(
        ResidenceCard.read(NUMBER).pipe(
          Effect.provide(SecureRandom.layerFixed(new Uint8Array(24).fill(7))),
          Effect.provide(
            faulty(ResidenceGen1.make({ seed: "padding" }), (c, r) => {
              if (!isSmRead(c)) return r
              const copy = Uint8Array.from(r)
              copy[copy.length - 3]! ^= 0xff // last ciphertext byte: the decrypted last block's padding breaks
              return copy
            })
          )
        )
      )
      assert.isTrue(padding._tag === "SecureMessagingError" && padding.reason === "BadPadding")
      assert.include(padding.message, "residence.gen1.read.frontImage")
    })
  )

  it.effect("an error status at each step is a CardStatusError naming that step", () =>
    Effect.gen(function* () {
      const steps: Array<[(c: Uint8Array) => boolean, string]> = [
        [(c) => c[1] === 0xb0 && c[2] === 0x8a, "residence.detect.cardType"],
        [(c) => c[1] === 0x84, "residence.authenticate.getChallenge"],
        [(c) => c[1] === 0x82, "residence.authenticate.mutualAuthenticate"],
        [(c) => c[1] === 0x20, "residence.authenticate.verify"],
        [(c) => c[1] === 0xa4, "residence.gen1.select.df1"],
        [(c) => c[1] === 0xb0 && c[0] === 0x08, "residence.gen1.read.frontImage"],
        [(c) => c[1] === 0xb0 && c[2] === 0x82 && c[0] === 0x00, "residence.gen1.read.signature"]
      ]
      for (const [matches, step] of steps) {
        const error = yield* Effect.flip(
          ResidenceCard.read(NUMBER).pipe(
            Effect.provide(faulty(ResidenceGen1.make(), (c, r) => (matches(c) ? Uint8Array.of(0x69, 0x85) : r)))
          )
        )
        assert.strictEqual(error._tag, "CardStatusError", step)
        if (error._tag === "CardStatusError") {
          assert.strictEqual(error.step, step)
          assert.strictEqual(error.reason, "ConditionsOfUseNotSatisfied")
        }
      }
    })
  )

  it.effect("a TLV whose length runs past its file is a CardDataError naming the file", () =>
    Effect.gen(function* () {
      const card = ResidenceGen1.make()
      // DF3 is read in plain: make the certificate object claim more than the file holds.
      const error = yield* Effect.flip(
        ResidenceCard.read(NUMBER, { files: ["signature"] }).pipe(
          Effect.provide(
            faulty(card, (c, r) => {
              if (!(c[0] === 0x00 && c[1] === 0xb0 && c[2] === 0x82)) return r
              const copy = Uint8Array.from(r)
              copy[262] = 0x05 // DB 82 04 B0 → DB 82 05 B0
              return copy
            })
          )
        )
      )
      assert.strictEqual(error._tag, "CardDataError")
      if (error._tag === "CardDataError") assert.strictEqual(error.field, "signature")
    })
  )

  it.effect("a card removed mid-read is a TransportError, with no partial result", () =>
    Effect.gen(function* () {
      const sim = SimTransport.make(ResidenceGen1.make(), { removeAfter: 7 })
      const error = yield* Effect.flip(readWith(sim))
      assert.isTrue(error._tag === "TransportError" && error.reason === "CardRemoved")
    })
  )

  it.effect(
    "a first-generation path forced on a card of the other generation fails before the card number is sent",
    () =>
      Effect.gen(function* () {
        const sim = SimTransport.make(ResidenceGen1.make())
        const error = yield* Effect.flip(readWith(sim, { generation: 2 }))
        assert.isTrue(error._tag === "UnsupportedCardError" && error.kind === "GenerationMismatch")
        assert.strictEqual(sim.stats().apdus, 2)
      })
  )

  it.effect("nothing secret reaches the APDU trace or an error", () =>
    Effect.gen(function* () {
      const entries: Array<ApduTrace.TraceEntry> = []
      const card = ResidenceGen1.make()
      yield* ResidenceCard.read(NUMBER).pipe(
        Effect.provide(Layer.merge(SimTransport.layer(card), ApduTrace.layerCollect(entries)))
      )
      const text = JSON.stringify(entries)
      assert.notInclude(text, toHex(new TextEncoder().encode(NUMBER)))
      assert.notInclude(text, NUMBER)
      assert.isTrue(entries.some((e) => e.header === "08200086" && e.data === "<19 bytes>"))
      assert.isTrue(entries.every((e) => e.response.startsWith("<")))
      assert.isTrue(entries.some((e) => e.header === "00A4040C" && e.data === "D392F0004F0200000000000000000000"))
    })
  )
})
