// The coded fields a second-generation card is decoded with (C1 card type, C7 sex, CC work restriction, D5/D7
// permissions, D8/D7 application, D9 commissioner's record, CE period of stay) fed any string and any bytes read as
// text, as a card may hold them: an unknown code comes back raw and never fails; right-padding (spaces, NULs) is
// ignored; the period of stay is a period or an error that says what was expected, never a throw.
import { Effect, Exit, Schema } from "effect"
import fc from "fast-check"
import { assert, describe, it } from "vitest"
import * as ApplicationStatus from "../../src/ApplicationStatus.js"
import * as CardType from "../../src/CardType.js"
import { CodedValue, type Entry, stripPadding, type Table } from "../../src/CodedValue.js"
import * as CommissionerRecord from "../../src/CommissionerRecord.js"
import * as Permission from "../../src/Permission.js"
import * as ResidencePeriod from "../../src/ResidencePeriod.js"
import * as Sex from "../../src/Sex.js"
import * as StatusOfResidence from "../../src/StatusOfResidence.js"
import * as WorkRestriction from "../../src/WorkRestriction.js"
import { padding, prototypeNames } from "./harness/Tables.js"

const tables: ReadonlyArray<readonly [string, Table<Entry>]> = [
  ["CardType (C1)", CardType.table],
  ["Sex (C7)", Sex.table],
  ["WorkRestriction (CC)", WorkRestriction.table],
  ["Permission.comprehensive (D5)", Permission.comprehensive],
  ["Permission.individual (D7)", Permission.individual],
  ["ApplicationStatus (D8)", ApplicationStatus.table],
  ["ApplicationStatus.firstGeneration (D7)", ApplicationStatus.firstGeneration],
  ["CommissionerRecord (D9)", CommissionerRecord.table]
]

/** Bytes as a card's ASCII field may hold them, read as text the two ways a reader may read them. */
const fromBytes = fc
  .tuple(fc.uint8Array({ maxLength: 8 }), fc.constantFrom("latin1", "utf-8"))
  .map(([bytes, encoding]) => new TextDecoder(encoding).decode(bytes))

const anyField = (codes: ReadonlyArray<string>) =>
  fc.oneof(
    fc.string({ maxLength: 6 }),
    fc.string({ unit: "binary", maxLength: 4 }),
    fromBytes,
    fc.constantFrom(...prototypeNames, "", " ", "\u0000", "０", "１"),
    fc.tuple(fc.constantFrom(...codes), padding).map(([c, p]) => c + p),
    fc.constantFrom(...codes)
  )

const isCodedValue = Schema.is(CodedValue)

describe("coded fields", () => {
  for (const [name, table] of tables) {
    const codes = table.entries.map((e) => e.code)

    it(`${name}: any value decodes to its raw code, labelled exactly when it is a known code (padding ignored)`, () =>
      fc.assert(
        fc.property(anyField(codes), (raw) => {
          const value = table.decode(raw)
          assert.isTrue(isCodedValue(value))
          assert.strictEqual(value.code, raw)
          const entry = table.entries.find((e) => e.code === stripPadding(raw))
          assert.strictEqual(table.get(raw), entry)
          if (entry === undefined) assert.deepStrictEqual(value, { code: raw })
          else {
            assert.strictEqual(value.label?.ja, entry.ja)
            assert.strictEqual(value.label?.en, entry.en)
            assert.deepStrictEqual(value.source, entry.source)
          }
          // The schema does the same and gives the raw code back.
          assert.deepStrictEqual(Schema.decodeUnknownSync(table.FromCode)(raw), value)
          assert.strictEqual(Schema.encodeSync(table.FromCode)(value), raw)
        }),
        // A padded code ("1\u0000", "2 ") came back raw although `stripPadding` says lookups ignore padding.
        { numRuns: 300, examples: [[`${codes[0]}\u0000`], [`${codes[0]} `], ["toString"], ["__proto__"]] }
      ))

    it(`${name}: a non-string is refused by the schema with a typed failure, not a throw from the lookup`, () =>
      fc.assert(
        fc.property(
          fc.anything().filter((x) => typeof x !== "string"),
          (input) => {
            const exit = Schema.decodeUnknownExit(table.FromCode)(input)
            assert.isTrue(Exit.isFailure(exit))
            assert.deepStrictEqual(table.decode(input as string), { code: input as string })
          }
        ),
        { numRuns: 100 }
      ))
  }
})

describe("period of stay (CE)", () => {
  const digits = (n: number) =>
    fc.array(fc.constantFrom(..."0123456789"), { minLength: n, maxLength: n }).map((d) => d.join(""))
  const anyCe = fc.oneof(
    fc.string({ maxLength: 6 }),
    fromBytes,
    digits(3),
    digits(4),
    fc.tuple(fc.oneof(digits(3), digits(4)), padding).map(([d, p]) => d + p),
    fc.constantFrom(
      "0000",
      "000",
      "0090",
      "0012",
      "0099",
      "１２３",
      " 403",
      "0403 ",
      "+12",
      "1e2",
      "0x1",
      "-01",
      "１２"
    )
  )

  it("any value: a period whose CE form is the value (padding aside), or an error saying what was expected", () =>
    fc.assert(
      fc.property(anyCe, (raw) => {
        const parsed = ResidencePeriod.parse(raw)
        const exit = Schema.decodeUnknownExit(ResidencePeriod.FromCode)(raw)
        if (parsed._tag === "Error") {
          assert.match(parsed.message, /^period of stay \(CE\)/)
          assert.isTrue(Exit.isFailure(exit))
          return
        }
        assert.isTrue(Schema.is(ResidencePeriod.ResidencePeriod)(parsed.period))
        assert.strictEqual(ResidencePeriod.encode(parsed.period), stripPadding(raw))
        assert.isTrue(Exit.isSuccess(exit) && ResidencePeriod.equals(exit.value, parsed.period))
        const label = ResidencePeriod.label(parsed.period)
        assert.isAbove(label.ja.length, 0)
        assert.isAbove(label.en.length, 0)
      }),
      { numRuns: 500 }
    ))

  const period = fc.oneof(
    fc
      .tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 11 }))
      .filter(([y, m]) => y + m > 0)
      .map(([y, m]) => ResidencePeriod.yearsMonths(y, m)),
    fc.integer({ min: 1, max: 999 }).map(ResidencePeriod.days),
    fc.constant(ResidencePeriod.indefinite)
  )

  it("every valid period encodes to a CE value that parses back to it", () =>
    fc.assert(
      fc.property(period, (p) => {
        const ce = ResidencePeriod.encode(p)
        assert.match(ce, /^[0-9]{3,4}$/)
        const back = Schema.decodeUnknownSync(ResidencePeriod.FromCode)(ce)
        assert.deepStrictEqual(back, p)
        assert.strictEqual(Schema.encodeSync(ResidencePeriod.FromCode)(back), ce)
      }),
      { numRuns: 300 }
    ))

  it("an invalid period does not encode through the schema", () =>
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(fc.integer(), fc.integer()).map(([y, m]) => ResidencePeriod.yearsMonths(y, m)),
          fc.double().map(ResidencePeriod.days)
        ),
        (p) => {
          const valid = Schema.is(ResidencePeriod.ResidencePeriod)(p)
          const exit = Effect.runSyncExit(Schema.encodeEffect(ResidencePeriod.FromCode)(p))
          assert.strictEqual(Exit.isSuccess(exit), valid)
        }
      ),
      { numRuns: 200 }
    ))

  it("allowsPeriod, isWithin and totalMonths answer for every status and valid period", () =>
    fc.assert(
      fc.property(fc.constantFrom(...StatusOfResidence.entries), period, period, (status, p, q) => {
        const allowed = StatusOfResidence.allowsPeriod(status, p)
        assert.include([true, false, undefined], allowed)
        assert.isBoolean(ResidencePeriod.isWithin(p, q))
        const months = ResidencePeriod.totalMonths(p)
        if (p._tag === "YearsMonths") assert.strictEqual(months, p.years * 12 + p.months)
        else assert.isUndefined(months)
        for (const fixed of StatusOfResidence.fixedPeriods(status))
          assert.isTrue(StatusOfResidence.allowsPeriod(status, fixed) !== false)
      }),
      { numRuns: 300 }
    ))
})
