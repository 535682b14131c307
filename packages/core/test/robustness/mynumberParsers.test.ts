// The My Number card's record parsers fed anything: mutated records of the simulated card, and records built from
// random child objects (mostly plausible, so that the date, sex-code, UTF-8 and check-digit decoders are reached).
// The result is the record or a CardDataError naming the file and field, never a throw, and no message repeats the
// My Number, the holder's data or other card content.
import { MyNumberCard as MyNumberSim } from "@jpcard/sim"
import { Result, Schema } from "effect"
import fc from "fast-check"
import { assert, describe, it } from "vitest"
import { concat } from "../../src/Bytes.js"
import * as Common from "../../src/mynumber/common/Common.js"
import { CardDataError } from "../../src/mynumber/Errors.js"
import * as Kenhojo from "../../src/mynumber/kenhojo/Kenhojo.js"
import * as Kenkaku from "../../src/mynumber/kenkaku/Kenkaku.js"
import { isMyNumber } from "../../src/mynumber/Pin.js"
import { parseCvc } from "../../src/mynumber/Records.js"
import { CalendarDate } from "../../src/schema/CalendarDate.js"
import * as Tlv from "../../src/tlv/Tlv.js"
import { mutated } from "./harness/Mutations.js"

const card = MyNumberSim.make({ seed: 1 })
const holder = card.holder
const STEP = "mynumber.test.read"
const isCalendarDate = Schema.is(CalendarDate)

type Parser = (raw: Uint8Array, object: Tlv.Tlv, step: string) => Result.Result<unknown, CardDataError>

/** Each record parser with the file the simulated card stores for it and what a decoded record must satisfy. */
const records: ReadonlyArray<{
  readonly name: string
  readonly file: Uint8Array
  readonly parse: Parser
  readonly check: (value: never) => void
}> = [
  {
    name: "kenhojo EF0001 (My Number)",
    file: card.file("kenhojo", Kenhojo.files.myNumber)!,
    parse: (raw, object, step) => Kenhojo.parseMyNumber(raw, object.value, step),
    check: (record: Kenhojo.MyNumberRecord) => assert.isTrue(isMyNumber(record.myNumber.reveal()))
  },
  {
    name: "kenhojo EF0002 (basic four)",
    file: card.file("kenhojo", Kenhojo.files.basicInfo)!,
    parse: Kenhojo.parseBasicInfo,
    check: (info: Kenhojo.BasicInfo) => {
      assert.isTrue(isCalendarDate(info.birthDate))
      assert.match(info.sexCode, /^[0-9]$/)
    }
  },
  {
    name: "kenhojo EF0003 (integrity)",
    file: card.file("kenhojo", Kenhojo.files.integrityRecord)!,
    parse: Kenhojo.parseIntegrityRecord,
    check: (record: Kenhojo.IntegrityRecord) => assert.strictEqual(record.basicInfoDigest.length, 32)
  },
  {
    name: "kenkaku EF0002 (card face)",
    file: card.file("kenkaku", Kenkaku.files.cardFace)!,
    parse: Kenkaku.parseCardFace,
    check: (face: Kenkaku.CardFace) => {
      assert.isTrue(isCalendarDate(face.birthDate))
      assert.isTrue(isCalendarDate(face.expiry))
    }
  },
  {
    name: "kenkaku EF0005 (My Number image)",
    file: card.file("kenkaku", Kenkaku.files.myNumberImage)!,
    parse: Kenkaku.parseMyNumberImage,
    check: () => undefined
  },
  {
    name: "kenkaku EF0001 (age record)",
    file: card.file("kenkaku", Kenkaku.files.ageRecord)!,
    parse: Kenkaku.parseAgeRecord,
    check: (record: Kenkaku.AgeRecord) => assert.isTrue(isCalendarDate(record.birthDate))
  },
  {
    name: "kenhojo EF0004 (card-verifiable certificate)",
    file: card.file("kenhojo", Kenhojo.files.certificate)!,
    parse: (raw, object, step) => parseCvc(raw, object, { step, field: "kenhojo EF0004 7F21" }),
    check: () => undefined
  }
]

/** Runs of 6 or more printable ASCII characters: numbers, dates and codes as the card stores them. */
const asciiRuns = (bytes: Uint8Array): ReadonlyArray<string> =>
  new TextDecoder("latin1").decode(bytes).match(/[\x20-\x7e]{6,}/g) ?? []

const secrets = [holder.myNumber, holder.name, holder.address, holder.birthDate, holder.serialNumber]

const assertCardDataError = (error: CardDataError, input: Uint8Array) => {
  assert.instanceOf(error, CardDataError)
  assert.strictEqual(error.step, STEP)
  assert.match(error.field, /^(kenhojo|kenkaku|common) EF/)
  for (const text of [...asciiRuns(input), ...secrets])
    if (error.message.includes(text)) assert.fail(`${error.message} repeats card content "${text}"`)
}

/** Parses `bytes` as the reader does after its read: the first data object, whatever its tag. */
const parseFile = (record: (typeof records)[number], bytes: Uint8Array) => {
  const object = Tlv.decodeAt(bytes, 0)
  if (Result.isFailure(object)) return
  const parsed = record.parse(bytes, object.success, STEP)
  if (Result.isFailure(parsed)) return assertCardDataError(parsed.failure, bytes)
  record.check(parsed.success as never)
}

describe("records of the simulated card, mutated", () => {
  for (const record of records)
    it(record.name, () =>
      fc.assert(
        fc.property(mutated(record.file), (bytes) => parseFile(record, bytes)),
        { numRuns: 150 }
      )
    )
})

/** A constructed object whose children carry the expected tags (sometimes others), with mostly plausible values. */
const utf8 = (text: string) => new TextEncoder().encode(text)
const validDate = fc
  .tuple(fc.integer({ min: 1868, max: 2100 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
  .map(([y, m, d]) => utf8(`${y}${`${m}`.padStart(2, "0")}${`${d}`.padStart(2, "0")}`))
const anyValue = fc.uint8Array({ maxLength: 40 })
const value = (plausible: fc.Arbitrary<Uint8Array>) =>
  fc.oneof({ weight: 5, arbitrary: plausible }, { weight: 1, arbitrary: anyValue })
const child = (tag: number, plausible: fc.Arbitrary<Uint8Array>) =>
  fc.oneof(
    { weight: 8, arbitrary: value(plausible).map((v) => Tlv.encode(tag, v)) },
    { weight: 1, arbitrary: fc.constant(new Uint8Array(0)) },
    { weight: 1, arbitrary: anyValue.map((v) => Tlv.encode(0xdf7f, v)) }
  )
const constructed = (outer: number, children: ReadonlyArray<fc.Arbitrary<Uint8Array>>) =>
  fc.tuple(...children).map((parts) => Tlv.encode(outer, concat(...parts)))

const digits = (n: number) => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`)).map(utf8)
const key = fc.uint8Array({ minLength: 1, maxLength: 32 })

const built: ReadonlyArray<{ readonly record: (typeof records)[number]; readonly file: fc.Arbitrary<Uint8Array> }> = [
  { record: records[0]!, file: constructed(0xff10, [value(digits(12))]) },
  {
    record: records[1]!,
    file: constructed(0xff20, [
      child(0xdf21, fc.uint8Array({ minLength: 8, maxLength: 8 })),
      child(0xdf22, fc.string({ maxLength: 12 }).map(utf8)),
      child(0xdf23, fc.string({ maxLength: 20 }).map(utf8)),
      child(0xdf24, validDate),
      child(0xdf25, digits(1))
    ])
  },
  {
    record: records[3]!,
    file: constructed(0xff20, [
      child(0xdf21, fc.uint8Array({ minLength: 18, maxLength: 18 })),
      child(0xdf22, validDate),
      child(0xdf23, digits(1)),
      ...[0xdf24, 0xdf25, 0xdf26, 0xdf27, 0xdf28].map((tag) => child(tag, key)),
      child(0xdf29, validDate),
      child(0xdf2a, key)
    ])
  },
  {
    record: records[5]!,
    file: constructed(0xff10, [child(0xdf11, validDate), child(0xdf12, key), child(0xdf13, key)])
  }
]

describe("records built from random children", () => {
  for (const { record, file } of built)
    it(record.name, () =>
      fc.assert(
        fc.property(file, (bytes) => parseFile(record, bytes)),
        { numRuns: 200 }
      )
    )
})

describe("common AP card information", () => {
  const cardInfo = card.records("common", Common.files.cardInfo)![0]!

  it("record 1 mutated, or built from 28 random digits: the information or a CardDataError", () =>
    fc.assert(
      fc.property(
        fc.oneof(
          mutated(cardInfo),
          digits(28).map((d) => concat(Uint8Array.of(0x01, 0x1c), d)),
          fc.uint8Array({ maxLength: 40 })
        ),
        (raw) => {
          const parsed = Common.parseCardInfo(raw, STEP)
          if (Result.isFailure(parsed)) return assertCardDataError(parsed.failure, raw)
          assert.match(parsed.success.serialNumber, /^[0-9]{15}$/)
          assert.isTrue(isCalendarDate(parsed.success.expiry))
        }
      ),
      { numRuns: 300 }
    ))
})
