// The second-generation reader against the simulated 05 and 06 cards (no shared protocol code).
import { assert, describe, it } from "@effect/vitest"
import { CodeTables } from "@jpcard/codes"
import { ResidenceGen2, SimTransport } from "@jpcard/sim"
import { Effect } from "effect"
import { concat, fromHex, toHex } from "../../src/Bytes.js"
import * as Authenticate from "../../src/residence/Authenticate.js"
import { CardNumber } from "../../src/residence/CardNumber.js"
import { tdes } from "../../src/residence/CipherSuite.js"
import * as ResidenceCard from "../../src/residence/ResidenceCard.js"
import * as Tlv from "../../src/tlv/Tlv.js"
import * as TestTransport from "../../src/transport/TestTransport.js"

const NUMBER = "AB12345678CD"

describe("second-generation cards", () => {
  it.effect("a 05 card: every field decoded, 15 APDUs with extended length", () =>
    Effect.gen(function* () {
      const card = ResidenceGen2.make({ seed: 1 })
      const sim = SimTransport.make(card)
      const result = yield* ResidenceCard.read(NUMBER).pipe(Effect.provide(sim.layer))
      assert.strictEqual(sim.stats().apdus, 15)
      assert.strictEqual(result.generation, 2)
      if (result.generation !== 2) return
      assert.strictEqual(result.cardType, "05")
      const entries = result.printedEntries!
      assert.strictEqual(entries.birthDate, "1995-04-15")
      assert.strictEqual(entries.expiresOn, "2028-04-01")
      assert.strictEqual(entries.sex.code, "1")
      assert.isDefined(entries.sex.label)
      assert.strictEqual(entries.nationality.code, "VNM")
      assert.deepStrictEqual(entries.periodOfStay, { _tag: "YearsMonths", years: 3, months: 0 })
      assert.strictEqual(entries.workRestriction?.code, "2")
      assert.strictEqual(entries.signedValues.length, 53)
      assert.strictEqual(toHex(entries.signedValues), toHex(card.signedData.subarray(0, 53)))
      assert.strictEqual(result.nameImage?.data.length, 2500)
      assert.strictEqual(result.faceImage?.data.length, 3000)
      assert.strictEqual(result.addressImage?.data.length, 2500)
      assert.strictEqual(result.activityPermission?.comprehensive.code, "0")
      assert.strictEqual(result.activityPermission?.comprehensiveUntil, null)
      assert.strictEqual(result.renewalApplication?.code, "0")
      assert.strictEqual(result.otherEntries?.note, null)
      assert.strictEqual(toHex(result.signature!.value), toHex(card.signature))
      assert.strictEqual(result.signature?.certificate.length, 598)
    })
  )

  it.effect("the card number is read only when asked for (VERIFY already proved it)", () =>
    Effect.gen(function* () {
      const sim = SimTransport.make(ResidenceGen2.make())
      const result = yield* ResidenceCard.read(NUMBER, { files: ["cardNumber", "printedEntries"] }).pipe(
        Effect.provide(sim.layer)
      )
      assert.isTrue(result.generation === 2 && result.cardNumber === NUMBER)
    })
  )

  it.effect("files naming nothing this card has: NoRequestedFileError before the card number is sent", () =>
    Effect.gen(function* () {
      // First-generation names asked of a second-generation card would read nothing and look like an empty card.
      const sim = SimTransport.make(ResidenceGen2.make())
      const error = yield* Effect.flip(
        ResidenceCard.read(NUMBER, { files: ["address", "faceImage"] }).pipe(Effect.provide(sim.layer))
      )
      assert.strictEqual(error._tag, "NoRequestedFileError")
      if (error._tag !== "NoRequestedFileError") return
      assert.strictEqual(error.step, "residence.read")
      assert.strictEqual(error.generation, 2)
      assert.include(error.message, "addressImage")
      assert.include(error.message, "nameAndFace")
      // Detection only: no GET CHALLENGE, no MUTUAL AUTHENTICATE, no VERIFY (the card number never left).
      assert.isTrue(sim.log().every((e) => ![0x84, 0x82, 0x20].includes(e.command[1]!)))
      // A list naming files of both generations reads this generation's, as documented.
      const mixed = yield* ResidenceCard.read(NUMBER, { files: ["address", "addressImage"] }).pipe(
        Effect.provide(SimTransport.make(ResidenceGen2.make()).layer)
      )
      assert.deepStrictEqual(mixed.filesRead, ["addressImage"])
      // A file the card type lacks (a special permanent resident certificate has no permissions file), alone.
      const special = SimTransport.make(ResidenceGen2.make({ cardType: "06" }))
      const lacking = yield* Effect.flip(
        ResidenceCard.read(NUMBER, { files: ["permissions"] }).pipe(Effect.provide(special.layer))
      )
      assert.strictEqual(lacking._tag, "NoRequestedFileError")
      // The step on its own, after authentication: the same error, no file read.
      const stepwise = SimTransport.make(ResidenceGen2.make())
      const afterAuth = yield* Effect.gen(function* () {
        const detection = yield* ResidenceCard.detect()
        const session = yield* ResidenceCard.authenticate(NUMBER, detection)
        return yield* Effect.flip(ResidenceCard.readFiles(session, detection, { files: ["frontImage"] }))
      }).pipe(Effect.provide(stepwise.layer))
      assert.strictEqual(afterAuth._tag, "NoRequestedFileError")
      assert.include(afterAuth.message, "residence.readFiles: none of the files asked for (frontImage)")
      // `files: []` asks for nothing and gets nothing: not an error.
      const none = yield* ResidenceCard.read(NUMBER, { files: [] }).pipe(
        Effect.provide(SimTransport.make(ResidenceGen2.make()).layer)
      )
      assert.deepStrictEqual(none.filesRead, [])
    })
  )

  it.effect("a 06 card has the subset of printed entries and only DF2's other-entries file", () =>
    Effect.gen(function* () {
      const result = yield* ResidenceCard.read(NUMBER).pipe(
        Effect.provide(
          SimTransport.layer(ResidenceGen2.make({ cardType: "06", statusOfResidence: "99", periodOfStay: "0000" }))
        )
      )
      assert.isTrue(result.generation === 2 && result.cardType === "06")
      if (result.generation !== 2) return
      assert.deepStrictEqual(result.filesRead, [
        "printedEntries",
        "nameAndFace",
        "addressImage",
        "otherEntries",
        "signature"
      ])
      assert.strictEqual(result.printedEntries?.permissionType, undefined)
      assert.deepStrictEqual(result.printedEntries?.periodOfStay, { _tag: "Indefinite" })
    })
  )

  it.effect("short 256-byte responses: the same data in the fewest chunks", () =>
    Effect.gen(function* () {
      const extended = yield* ResidenceCard.read(NUMBER).pipe(
        Effect.provide(SimTransport.layer(ResidenceGen2.make({ seed: 9 })))
      )
      const sim = SimTransport.make(ResidenceGen2.make({ seed: 9 }), { extendedLength: false })
      const short = yield* ResidenceCard.read(NUMBER).pipe(Effect.provide(sim.layer))
      assert.deepStrictEqual(short.raw, extended.raw)
      // 8 fixed + DF1 ⌈73/239⌉ + ⌈5508/239⌉ + ⌈2505/239⌉ + DF2 1+1+1 + DF3 ⌈704/256⌉
      assert.strictEqual(sim.stats().apdus, 8 + 1 + 24 + 11 + 3 + 3)
    })
  )

  it.effect("unknown codes come back raw; an official table labels them", () =>
    Effect.gen(function* () {
      const card = () => ResidenceGen2.make({ statusOfResidence: "Q7", permissionType: "Z9" })
      const plain = yield* ResidenceCard.read(NUMBER, { files: ["printedEntries"] }).pipe(
        Effect.provide(SimTransport.layer(card()))
      )
      assert.isTrue(plain.generation === 2)
      if (plain.generation !== 2) return
      assert.deepStrictEqual(plain.printedEntries?.statusOfResidence, { code: "Q7" })
      const official = yield* ResidenceCard.read(NUMBER, { files: ["printedEntries"] }).pipe(
        Effect.provide(SimTransport.layer(card())),
        Effect.provide(
          CodeTables.layerOfficialCsv("kind,code,ja,en\nstatusOfResidence,Q7,技術・人文知識・国際業務,Engineer\n")
        )
      )
      assert.isTrue(
        official.generation === 2 &&
          official.printedEntries?.statusOfResidence?.label?.ja === "技術・人文知識・国際業務"
      )
    })
  )

  it.effect("an impossible date is a CardDataError naming the field, not its value", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        ResidenceCard.read(NUMBER).pipe(
          Effect.provide(SimTransport.layer(ResidenceGen2.make({ dateOfBirth: "20260230" })))
        )
      )
      assert.strictEqual(error._tag, "CardDataError")
      if (error._tag !== "CardDataError") return
      assert.include(error.field, "birthDate")
      assert.notInclude(error.message, "20260230")
    })
  )

  it.effect("a non-numeric period and a truncated EF02 are CardDataErrors naming the field", () =>
    Effect.gen(function* () {
      const read = yield* ResidenceCard.read(NUMBER, { files: ["printedEntries"] }).pipe(
        Effect.provide(SimTransport.layer(ResidenceGen2.make()))
      )
      const good = read.raw as { printedEntries: Uint8Array }
      const detection = { specVersion: "0001", cardType: "05", generation: 2 } as const
      // CE sits after C5 (10), C6 (10), C7 (3), C8 (5), C9 (12): its value starts at byte 42.
      const badPeriod = Uint8Array.from(good.printedEntries)
      assert.strictEqual(badPeriod[40], 0xce)
      badPeriod.set(new TextEncoder().encode("03X0"), 42)
      const period = yield* Effect.flip(ResidenceCard.parse(detection, { printedEntries: badPeriod }))
      assert.isTrue(period._tag === "CardDataError" && period.field.includes("periodOfStay"))
      const truncated = yield* Effect.flip(
        ResidenceCard.parse(detection, { printedEntries: good.printedEntries.subarray(0, 50) })
      )
      assert.isTrue(truncated._tag === "CardDataError" && truncated.field === "printedEntries")
    })
  )

  it.effect("the first-generation handshake forced on a 05 card is refused by the card with 63 00", () =>
    Effect.gen(function* () {
      const number = yield* CardNumber.parse(NUMBER)
      const error = yield* Effect.flip(
        Authenticate.authenticate(number, tdes).pipe(Effect.provide(SimTransport.layer(ResidenceGen2.make())))
      )
      assert.isTrue(error._tag === "ResidenceAuthenticationError" && error.reason === "WrongCardNumber")
      assert.include(error.message, "generation")
      const forced = yield* Effect.flip(
        ResidenceCard.read(NUMBER, { generation: 1 }).pipe(Effect.provide(SimTransport.layer(ResidenceGen2.make())))
      )
      assert.isTrue(forced._tag === "UnsupportedCardError" && forced.kind === "GenerationMismatch")
    })
  )
})

describe("card types the reader does not read", () => {
  for (const [bytes, kind] of [
    ["C1 02 30 37", "SpecifiedCard"],
    ["C1 02 30 38", "SpecifiedCard"],
    ["C1 02 30 39", "UnknownCardType"],
    ["C1 01 33", "UnknownCardType"]
  ] as const) {
    it.effect(`MF/EF02 ${bytes} is reported as ${kind} before any secret is sent`, () =>
      Effect.gen(function* () {
        const transport = TestTransport.scripted([
          { command: "00 B0 8B 00 00 00 00", response: "C0 04 30 30 30 31 90 00" },
          { command: "00 B0 8A 00 00 00 00", response: `${bytes} 90 00` }
        ])
        const error = yield* Effect.flip(
          ResidenceCard.read(NUMBER).pipe(Effect.provide(TestTransport.layer(transport)))
        )
        assert.isTrue(error._tag === "UnsupportedCardError" && error.kind === kind)
        assert.strictEqual(transport.remaining(), 0)
      })
    )
  }

  it.effect("a short unknown card type is quoted in the message", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(ResidenceCard.detect().pipe(Effect.provide(withCardType("C1 02 30 39"))))
      assert.isTrue(error._tag === "UnsupportedCardError" && error.cardType === "09")
      assert.include(error.message, 'card type "09" is not a residence card type')
    })
  )

  // MF/EF02 is free data that any card may fill. The whole card type went into the message and the error's fields, so
  // a hostile card could put hundreds of characters (or a quote that breaks out of the message's quoting) there.
  for (const [what, value] of [
    ["300 characters", "A".repeat(300)],
    ["5 characters", "ABCDE"],
    ["a quote", '";"'],
    ["a space", "0 5"]
  ] as const) {
    it.effect(`a card type of ${what} is described by its length, never quoted`, () =>
      Effect.gen(function* () {
        const bytes = Uint8Array.from(value, (c) => c.charCodeAt(0))
        const object = toHex(concat(fromHex("C1"), Uint8Array.from(Tlv.encodeLength(bytes.length)), bytes))
        const error = yield* Effect.flip(ResidenceCard.detect().pipe(Effect.provide(withCardType(object))))
        assert.isTrue(error._tag === "UnsupportedCardError" && error.kind === "UnknownCardType")
        if (error._tag !== "UnsupportedCardError") return
        assert.strictEqual(error.cardTypeLength, value.length)
        assert.strictEqual(error.cardType, "")
        assert.include(error.message, `the card type read from MF/EF02 (${value.length} characters, not shown)`)
        assert.include(error.message, "is this a residence card?")
        for (const text of [error.message, JSON.stringify(error)]) assert.notInclude(text, value)
        assert.isBelow(error.message.length, 160)
      })
    )
  }

  it.effect("a card type of 150 000 characters is an UnsupportedCardError, not a RangeError", () =>
    Effect.gen(function* () {
      // Decoding the type spread its bytes into String.fromCharCode, which throws from about 100 000 arguments.
      const length = 150_000
      const object = concat(fromHex("C1 83"), Uint8Array.of(length >> 16, (length >> 8) & 0xff, length & 0xff))
      const card = TestTransport.fromFunction((command) =>
        command[2] === 0x8b
          ? fromHex("C0 04 30 30 30 31 90 00")
          : concat(object, new Uint8Array(length).fill(0x41), fromHex("90 00"))
      )
      const error = yield* Effect.flip(ResidenceCard.detect().pipe(Effect.provide(TestTransport.layer(card))))
      assert.isTrue(error._tag === "UnsupportedCardError" && error.cardTypeLength === length)
    })
  )
})

/** A card whose MF/EF01 is spec version 0001 and whose MF/EF02 holds `object` (hex), read in the extended form. */
const withCardType = (object: string) =>
  TestTransport.layer(
    TestTransport.scripted([
      { command: "00 B0 8B 00 00 00 00", response: "C0 04 30 30 30 31 90 00" },
      { command: "00 B0 8A 00 00 00 00", response: `${object} 90 00` }
    ])
  )
