import { assert, describe, it } from "@effect/vitest"
import { Effect, Result, Schema } from "effect"
import * as ResidencePeriod from "../src/ResidencePeriod.js"

const decode = Schema.decodeUnknownResult(ResidencePeriod.FromCode)
const ok = (raw: string) => {
  const r = decode(raw)
  if (Result.isFailure(r)) assert.fail(`expected ${JSON.stringify(raw)} to decode: ${r.failure.message}`)
  return r.success
}
const fail = (raw: unknown) => {
  const r = decode(raw)
  if (Result.isSuccess(r)) return assert.fail(`expected ${JSON.stringify(raw)} to fail`)
  return r.failure.message
}

describe("ResidencePeriod.FromCode (CE)", () => {
  it("YYMM: years and months (codes.md §7.2)", () => {
    assert.deepStrictEqual(ok("0500"), { _tag: "YearsMonths", years: 5, months: 0 })
    assert.deepStrictEqual(ok("0403"), { _tag: "YearsMonths", years: 4, months: 3 })
    assert.deepStrictEqual(ok("0103"), { _tag: "YearsMonths", years: 1, months: 3 })
    assert.deepStrictEqual(ok("0010"), { _tag: "YearsMonths", years: 0, months: 10 })
    assert.deepStrictEqual(ok("0006"), { _tag: "YearsMonths", years: 0, months: 6 })
  })

  it("DDD: days, told apart from YYMM by length", () => {
    assert.deepStrictEqual(ok("090"), { _tag: "Days", days: 90 })
    assert.deepStrictEqual(ok("015"), { _tag: "Days", days: 15 })
    assert.deepStrictEqual(ok("030"), { _tag: "Days", days: 30 })
    // right padding (NUL or space) is ignored
    assert.deepStrictEqual(ok("090\u0000"), { _tag: "Days", days: 90 })
    assert.deepStrictEqual(ok("090 "), { _tag: "Days", days: 90 })
  })

  it("0000: indefinite", () => {
    assert.deepStrictEqual(ok("0000"), { _tag: "Indefinite" })
  })

  it("non-numeric values fail with a clear message", () => {
    assert.include(fail("05A0"), "only the digits 0-9")
    assert.include(fail("05A0"), '"05A0"')
    assert.include(fail("9O0"), "only the digits 0-9")
  })

  it("wrong lengths fail, naming the expected forms", () => {
    for (const raw of ["", "1", "12", "12345", "000000"]) {
      const message = fail(raw)
      assert.include(message, "4 digits (YYMM or 0000) or 3 digits (DDD)")
    }
  })

  it("impossible values fail", () => {
    assert.include(fail("0090"), "months must be 00-11")
    assert.include(fail("0112"), "months must be 00-11")
    assert.include(fail("000"), "001-999")
  })

  it("a non-string input fails", () => {
    assert.include(fail(500), "Expected string")
  })

  it("encodes back to the raw form", () => {
    const encode = Schema.encodeSync(ResidencePeriod.FromCode)
    for (const raw of ["0500", "0403", "0006", "090", "015", "0000"]) assert.strictEqual(encode(ok(raw)), raw)
  })

  it.effect("decodes inside Effect and fails with a SchemaError", () =>
    Effect.gen(function* () {
      const p = yield* Schema.decodeUnknownEffect(ResidencePeriod.FromCode)("0200")
      assert.strictEqual(ResidencePeriod.toJapanese(p), "2年")
      const error = yield* Effect.flip(Schema.decodeUnknownEffect(ResidencePeriod.FromCode)("2Y00"))
      assert.include(error.message, "only the digits 0-9")
    })
  )

  it("renders in Japanese and English", () => {
    const cases: ReadonlyArray<readonly [string, string, string]> = [
      ["0500", "5年", "5 years"],
      ["0403", "4年3月", "4 years 3 months"],
      ["0100", "1年", "1 year"],
      ["0103", "1年3月", "1 year 3 months"],
      ["0001", "1月", "1 month"],
      ["0006", "6月", "6 months"],
      ["090", "90日", "90 days"],
      ["001", "1日", "1 day"],
      ["0000", "無期限", "Indefinite"]
    ]
    for (const [raw, ja, en] of cases) assert.deepStrictEqual(ResidencePeriod.label(ok(raw)), { ja, en })
  })

  it("isWithin compares with a maximum", () => {
    const max = ResidencePeriod.yearsMonths(4, 3)
    assert.isTrue(ResidencePeriod.isWithin(ResidencePeriod.yearsMonths(4, 3), max))
    assert.isFalse(ResidencePeriod.isWithin(ResidencePeriod.yearsMonths(4, 4), max))
    assert.isTrue(ResidencePeriod.isWithin(ResidencePeriod.days(90), max))
    assert.isFalse(ResidencePeriod.isWithin(ResidencePeriod.indefinite, max))
    assert.isFalse(ResidencePeriod.isWithin(ResidencePeriod.days(400), ResidencePeriod.yearsMonths(1)))
  })
})
