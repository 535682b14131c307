// The residence card's decoders fed anything: the free MF objects, secure-messaging response objects, text, the
// YYYYMMDD date schema and every file parser of both generations. Mutated real files and files built from random
// field values (so that the Schema decoders for dates, the period of stay and the codes are reached) give the card's
// data or a CardDataError naming the field, never a throw, and never a message that repeats card content.
import { ResidenceGen1, ResidenceGen2 } from "@jpcard/sim"
import { Effect, Exit, Result, Schema } from "effect"
import fc from "fast-check"
import { assert, describe, it } from "vitest"
import { concat, fromHex, toHex } from "../../src/Bytes.js"
import { aes, tdes } from "../../src/residence/CipherSuite.js"
import { type Detection, parseFreeObject } from "../../src/residence/Detect.js"
import { CardDataError, SecureMessagingError, UnsupportedCardError } from "../../src/residence/Errors.js"
import * as Gen1 from "../../src/residence/Gen1.js"
import * as Gen2 from "../../src/residence/Gen2.js"
import * as ResidenceCard from "../../src/residence/ResidenceCard.js"
import { unwrapResponse } from "../../src/residence/SecureMessaging.js"
import { SecureSession } from "../../src/residence/Session.js"
import { decodeText } from "../../src/residence/Text.js"
import { CalendarDate, CalendarDateFromYyyymmdd } from "../../src/schema/CalendarDate.js"
import * as Tlv from "../../src/tlv/Tlv.js"
import * as TestTransport from "../../src/transport/TestTransport.js"
import { mutated } from "./harness/Mutations.js"
import { outcomeOf, textsOf } from "./harness/Outcome.js"

const gen1Card = ResidenceGen1.make({ seed: 1 })
const gen2Card = ResidenceGen2.make({ seed: 1 })

const gen1Raw: Required<Gen1.RawFiles> = {
  frontImage: gen1Card.files.df1.ef01,
  faceImage: gen1Card.files.df1.ef02,
  address: gen1Card.files.df2.ef01,
  comprehensivePermission: gen1Card.files.df2.ef02!,
  individualPermission: gen1Card.files.df2.ef03!,
  renewalApplication: gen1Card.files.df2.ef04!,
  signature: gen1Card.files.df3.ef01
}
const gen2Raw: Required<Gen2.RawFiles> = {
  cardNumber: gen2Card.files.df1.ef01,
  printedEntries: gen2Card.files.df1.ef02,
  nameAndFace: gen2Card.files.df1.ef03,
  addressImage: gen2Card.files.df1.ef04,
  permissions: gen2Card.files.df2.ef01!,
  renewalApplication: gen2Card.files.df2.ef02!,
  otherEntries: gen2Card.files.df2.ef03,
  signature: gen2Card.files.df3.ef01
}
const gen1Detection: Detection = { specVersion: "0001", cardType: "1", generation: 1 }
const gen2Detection: Detection = { specVersion: "0001", cardType: "05", generation: 2 }

/** Runs of 6 or more printable ASCII characters: dates, numbers and codes as the card stores them. */
const asciiRuns = (bytes: Uint8Array): ReadonlyArray<string> =>
  new TextDecoder("latin1").decode(bytes).match(/[\x20-\x7e]{6,}/g) ?? []

/** A parse failure is a CardDataError naming step and field, whose message repeats no card content. */
const assertCardDataError = (error: unknown, input: Uint8Array, secrets: ReadonlyArray<string>) => {
  assert.instanceOf(error, CardDataError)
  if (!(error instanceof CardDataError)) return
  assert.match(error.step, /^residence\.gen[12]\.parse$/)
  assert.isAbove(error.field.length, 0)
  for (const text of [...asciiRuns(input), ...secrets])
    if (error.message.includes(text)) assert.fail(`${error.message} repeats card content "${text}"`)
}

const oneFileOf = <K extends string>(raw: Record<K, Uint8Array>) =>
  fc
    .constantFrom(...(Object.keys(raw) as Array<K>))
    .chain((file) => mutated(raw[file]).map((bytes) => ({ file, bytes }) as const))

const isCalendarDate = Schema.is(CalendarDate)

describe("free objects, secure messaging, text", () => {
  it("parseFreeObject: any bytes give printable ASCII or a CardDataError", () =>
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.constantFrom(0xc0, 0xc1), (data, tag) => {
        const parsed = parseFreeObject(data, tag, "residence.detect", "MF/EF01")
        if (Result.isFailure(parsed)) return void assert.instanceOf(parsed.failure, CardDataError)
        assert.match(parsed.success, /^[\x20-\x7e]+$/)
      }),
      { numRuns: 300 }
    ))

  it("unwrapResponse: any response data gives plain data or a SecureMessagingError", () =>
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.constantFrom(tdes, aes), (data, suite) => {
        const session = new SecureSession(suite, new Uint8Array(16).fill(0x5a))
        const unwrapped = unwrapResponse(session, data, "residence.test")
        if (Result.isFailure(unwrapped)) return void assert.instanceOf(unwrapped.failure, SecureMessagingError)
        assert.isBelow(unwrapped.success.length, data.length)
      }),
      { numRuns: 300 }
    ))

  it("unwrapResponse reads back what the card wraps, under both cipher suites", () =>
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), (data, key) => {
        for (const [suite, wrap] of [
          [tdes, ResidenceGen1.smObject],
          [aes, ResidenceGen2.smObject]
        ] as const) {
          const unwrapped = unwrapResponse(new SecureSession(suite, key), wrap(key, data), "residence.test")
          assert.strictEqual(toHex(Result.getOrThrow(unwrapped)), toHex(data))
        }
      }),
      { numRuns: 100 }
    ))

  it("decodeText never throws", () =>
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const decoded = decodeText(bytes)
        if (Result.isSuccess(decoded)) assert.notInclude(decoded.success.text, "\u0000")
      }),
      { numRuns: 300 }
    ))
})

describe("the card type in MF/EF02", () => {
  /** A card whose MF/EF02 holds a C1 object with `value`; its spec version is 0001. */
  const detectWith = (value: Uint8Array) => {
    const object = concat(Uint8Array.of(0xc1), Uint8Array.from(Tlv.encodeLength(value.length)), value)
    const card = TestTransport.fromFunction((command) =>
      command[2] === 0x8b ? fromHex("C0 04 30 30 30 31 90 00") : concat(object, fromHex("90 00"))
    )
    return outcomeOf(Effect.runSyncExit(ResidenceCard.detect().pipe(Effect.provide(TestTransport.layer(card)))))
  }
  const printable = fc.stringMatching(/^[\x20-\x7e]{0,400}$/).map((t) => Uint8Array.from(t, (c) => c.charCodeAt(0)))

  it("detect: any card type gives a detection or a typed error quoting at most 4 plain characters of it", () =>
    fc.assert(
      fc.property(fc.oneof(printable, fc.uint8Array({ maxLength: 400 })), (value) => {
        const outcome = detectWith(value)
        if (outcome._tag === "Success") return
        // A card type is 1 or 2 characters: a message never grows with what the card claims.
        assert.isBelow(outcome.error.message.length, 200)
        const text = String.fromCharCode(...value)
        if (value.length > 4) for (const shown of textsOf(outcome.error)) assert.notInclude(shown, text)
        if (outcome.error instanceof UnsupportedCardError && outcome.error.cardType !== "")
          assert.match(outcome.error.cardType, /^[!#-[\]-~]{1,4}$/)
      }),
      // The whole card type was quoted in the message and kept in the error, whatever its length.
      { numRuns: 300, examples: [[Uint8Array.from("X".repeat(300), (c) => c.charCodeAt(0))]] }
    ))
})

describe("YYYYMMDD dates", () => {
  /** The calendar's own answer: JavaScript dates, years 1–9999. */
  const isRealDay = (year: number, month: number, day: number) => {
    const date = new Date(0)
    date.setUTCFullYear(year, month - 1, day)
    return year >= 1 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  }

  it("8 digits decode exactly when they name a real day, and the message never repeats them", () =>
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 99 }),
        (year, month, day) => {
          const text = `${year}`.padStart(4, "0") + `${month}`.padStart(2, "0") + `${day}`.padStart(2, "0")
          const decoded = Schema.decodeUnknownResult(CalendarDateFromYyyymmdd)(text)
          assert.strictEqual(Result.isSuccess(decoded), isRealDay(year, month, day), text)
          if (Result.isSuccess(decoded))
            assert.strictEqual(decoded.success, `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6)}`)
          else assert.notInclude(decoded.failure.message, text)
        }
      ),
      { numRuns: 300 }
    ))

  it("any other input is an issue, not a throw", () =>
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const decoded = Schema.decodeUnknownResult(CalendarDateFromYyyymmdd)(input)
        if (Result.isSuccess(decoded)) assert.isTrue(isCalendarDate(decoded.success))
      }),
      { numRuns: 300 }
    ))
})

describe("first-generation files", () => {
  const secrets = [gen1Card.cardNumber, ResidenceGen1.DEFAULT_ADDRESS, ResidenceGen1.DEFAULT_COMPREHENSIVE_PERMISSION]

  it("one mutated file: the card, or a CardDataError naming the field", () =>
    fc.assert(
      fc.property(oneFileOf(gen1Raw), ({ file, bytes }) => {
        const outcome = outcomeOf(Effect.runSyncExit(Gen1.parse(gen1Detection, { ...gen1Raw, [file]: bytes })))
        if (outcome._tag === "Failure") return assertCardDataError(outcome.error, bytes, secrets)
        const card = outcome.value
        assert.deepStrictEqual(card.filesRead, Gen1.plannedFiles("1"))
        if (card.address !== undefined) {
          assert.isTrue(isCalendarDate(card.address.recordedOn))
          assert.match(card.address.municipalityCode, /^\d{6}$/)
        }
      }),
      { numRuns: 300 }
    ))

  it("an address built from random field values", () =>
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{8}$/),
        fc.string({ minLength: 6, maxLength: 6 }),
        fc.uint8Array({ minLength: 320, maxLength: 320 }),
        (date, code, text) => {
          const bytes = concat(
            Tlv.encode(0xd2, new TextEncoder().encode(date).subarray(0, 8)),
            Tlv.encode(
              0xd3,
              Uint8Array.from(code, (c) => c.charCodeAt(0) & 0xff)
            ),
            Tlv.encode(0xd4, text)
          )
          const exit = Effect.runSyncExit(Gen1.parse(gen1Detection, { address: bytes }))
          const outcome = outcomeOf(exit)
          if (outcome._tag === "Failure") return assertCardDataError(outcome.error, bytes, [date])
          assert.isTrue(isCalendarDate(outcome.value.address?.recordedOn))
        }
      ),
      { numRuns: 300 }
    ))
})

describe("second-generation files", () => {
  const secrets = [gen2Card.cardNumber]

  it("one mutated file: the card, or a CardDataError naming the field", () =>
    fc.assert(
      fc.property(oneFileOf(gen2Raw), ({ file, bytes }) => {
        const outcome = outcomeOf(Effect.runSyncExit(Gen2.parse(gen2Detection, { ...gen2Raw, [file]: bytes })))
        if (outcome._tag === "Failure") return assertCardDataError(outcome.error, bytes, secrets)
        const entries = outcome.value.printedEntries!
        for (const date of [entries.expiresOn, entries.birthDate, entries.permittedOn, entries.periodOfStayEndsOn])
          assert.isTrue(isCalendarDate(date))
      }),
      { numRuns: 300 }
    ))

  /** ASCII of a field value, cut to `length` and, for a fixed-length field, zero-padded to it. */
  const fieldBytes = (text: string, length: number, exact: boolean) => {
    const bytes = Uint8Array.from(text.slice(0, length), (c) => c.charCodeAt(0) & 0xff)
    if (!exact) return bytes
    const padded = new Uint8Array(length)
    padded.set(bytes, 0)
    return padded
  }
  const validDate = fc
    .tuple(fc.integer({ min: 1900, max: 2100 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
    .map(([y, m, d]) => `${y}${`${m}`.padStart(2, "0")}${`${d}`.padStart(2, "0")}`)
  const anyText = (length: number) =>
    fc.oneof(
      fc.stringMatching(new RegExp(`^[0-9]{${length}}$`)),
      fc.string({ maxLength: length }),
      fc.uint8Array({ maxLength: length }).map((b) => String.fromCharCode(...b))
    )
  /** Mostly plausible values (so that parsing goes on to the next field), sometimes anything. */
  const field = (plausible: fc.Arbitrary<string>, length: number) =>
    fc.oneof({ weight: 4, arbitrary: plausible }, { weight: 1, arbitrary: anyText(length) })
  const digit = fc.stringMatching(/^[0-9]$/)
  const layout = [
    [0xc5, 8, true, field(validDate, 8)],
    [0xc6, 8, true, field(validDate, 8)],
    [0xc7, 1, true, field(digit, 1)],
    [0xc8, 3, true, field(fc.stringMatching(/^[A-Z]{3}$/), 3)],
    [0xc9, 10, false, field(fc.stringMatching(/^[0-9]{0,2}$/), 10)],
    [0xce, 4, true, field(fc.constantFrom("0300", "0000", "090", "0106", "1200", ""), 4)],
    [0xca, 2, false, field(fc.stringMatching(/^[0-9]{1,2}$/), 2)],
    [0xcb, 8, true, field(validDate, 8)],
    [0xcc, 1, true, field(digit, 1)],
    [0xcd, 8, true, field(validDate, 8)]
  ] as const
  const printedEntries = fc
    .tuple(...layout.map(([, length, exact, value]) => value.map((text) => fieldBytes(text, length, exact))))
    .map((values) => {
      const file = new Uint8Array(73)
      const objects = concat(...values.map((value, i) => Tlv.encode(layout[i]![0], value)))
      file.set(objects.subarray(0, 73), 0)
      return file
    })

  it("printed entries built from random field values reach the date, period and code decoders", () => {
    let decoded = 0
    fc.assert(
      fc.property(printedEntries, (bytes) => {
        const outcome = outcomeOf(Effect.runSyncExit(Gen2.parse(gen2Detection, { printedEntries: bytes })))
        if (outcome._tag === "Failure") return assertCardDataError(outcome.error, bytes, [])
        decoded++
        const entries = outcome.value.printedEntries!
        for (const date of [entries.expiresOn, entries.birthDate, entries.permittedOn, entries.periodOfStayEndsOn])
          assert.isTrue(isCalendarDate(date))
      }),
      { numRuns: 300 }
    )
    // The generator must reach the end of the parser, not only fail at its first field (about 30% decode).
    assert.isAtLeast(decoded, 30)
  })

  it("a file of another card type's length, or a first-generation detection, is a CardDataError", () => {
    const exit = Effect.runSyncExit(Gen2.parse(gen1Detection, gen2Raw))
    assert.isTrue(Exit.isFailure(exit))
    const outcome = outcomeOf(Effect.runSyncExit(Gen2.parse({ ...gen2Detection, cardType: "06" }, gen2Raw)))
    assert.strictEqual(outcome._tag, "Failure")
  })
})
