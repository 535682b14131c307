// The secret value classes: formats, the My Number check digit, 照合番号B and the birth date key in both calendars
// (shared/reference/mynumber-card.md §6.3), and redaction in every printed form.
import { inspect } from "node:util"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Result } from "effect"
import { fromJapanese, toJapanese } from "../../src/mynumber/Era.js"
import { InvalidCredentialError, type InvalidCredentialReason } from "../../src/mynumber/Errors.js"
import {
  type BirthDate,
  BirthDateKey,
  isMyNumber,
  MyNumber,
  myNumberCheckDigit,
  Pin4,
  SigningPassword,
  VerificationNumberA,
  VerificationNumberB
} from "../../src/mynumber/Pin.js"

const text = (secret: { bytes(): Uint8Array }) => new TextDecoder().decode(secret.bytes())

const build = (
  birthDate: BirthDate,
  calendar: "japanese" | "western" = "japanese",
  expiryYear: number | string = 2035,
  securityCode = "2285"
) => VerificationNumberB.buildResult({ birthDate, calendar, expiryYear, securityCode })

const reasonOf = (r: Result.Result<unknown, InvalidCredentialError>): InvalidCredentialReason | "ok" =>
  Result.isSuccess(r) ? "ok" : r.failure.reason

describe("My Number check digit (番号法施行令 第8条)", () => {
  it("MC's test-card number and the simulator presets are valid; one changed digit is not", () => {
    assert.isTrue(isMyNumber("537686677188"))
    assert.isTrue(isMyNumber("123456789018"))
    assert.isTrue(isMyNumber("987654321018"))
    assert.isFalse(isMyNumber("537686677189"))
    assert.isFalse(isMyNumber("537686677198"))
    assert.strictEqual(myNumberCheckDigit("53768667718"), 8)
  })
  it("a remainder of 0 or 1 gives check digit 0", () => {
    // Find an 11-digit prefix whose weighted sum is ≡ 1 (mod 11) and one ≡ 0, by brute force over a small range.
    const prefixes = Array.from({ length: 200 }, (_, i) => String(10000000000 + i * 7919).slice(0, 11))
    const sum = (p: string) => {
      let s = 0
      for (let n = 1; n <= 11; n++) s += (p.charCodeAt(11 - n) - 48) * (n <= 6 ? n + 1 : n - 5)
      return s % 11
    }
    const zero = prefixes.find((p) => sum(p) === 0)!
    const one = prefixes.find((p) => sum(p) === 1)!
    assert.strictEqual(myNumberCheckDigit(zero), 0)
    assert.strictEqual(myNumberCheckDigit(one), 0)
  })
  it("MyNumber.parse accepts grouped and full-width input, rejects a wrong check digit as CheckDigit", () => {
    assert.strictEqual(Result.getOrThrow(MyNumber.parseResult("5376-8667-7188")).reveal(), "537686677188")
    assert.strictEqual(Result.getOrThrow(MyNumber.parseResult("５３７６ ８６６７ ７１８８")).reveal(), "537686677188")
    assert.strictEqual(reasonOf(MyNumber.parseResult("537686677189")), "CheckDigit")
    assert.strictEqual(reasonOf(MyNumber.parseResult("53768667718")), "Format")
    assert.strictEqual(reasonOf(VerificationNumberA.parseResult("537686677189")), "CheckDigit")
  })
})

describe("照合番号B (§6.3)", () => {
  it("MC's real-card example: 1980-02-17, expiry 2035, code 2285 → 55021720352285", () => {
    assert.strictEqual(text(Result.getOrThrow(build("1980-02-17"))), "55021720352285")
    assert.strictEqual(
      text(Result.getOrThrow(build({ year: 1980, month: 2, day: 17 }, "japanese", "2035"))),
      "55021720352285"
    )
    assert.strictEqual(text(Result.getOrThrow(build({ era: "showa", year: 55, month: 2, day: 17 }))), "55021720352285")
  })

  it("the era of the day, at every boundary of the reference's table", () => {
    const table: ReadonlyArray<[string, string]> = [
      ["1926-12-24", "151224"],
      ["1926-12-25", "011225"],
      ["1989-01-07", "640107"],
      ["1989-01-08", "010108"],
      ["2019-04-30", "310430"],
      ["2019-05-01", "010501"],
      ["1912-07-29", "450729"],
      ["1912-07-30", "010730"]
    ]
    for (const [birthDate, yymmdd] of table) {
      assert.strictEqual(text(Result.getOrThrow(build(birthDate))).slice(0, 6), yymmdd, birthDate)
      assert.strictEqual(text(Result.getOrThrow(BirthDateKey.buildResult({ birthDate, calendar: "japanese" }))), yymmdd)
    }
  })

  it("Western calendar: the last two digits of the year, whatever form the date comes in", () => {
    assert.strictEqual(text(Result.getOrThrow(build("1990-07-15", "western", 2030, "4321"))), "90071520304321")
    assert.strictEqual(
      text(Result.getOrThrow(build({ era: "heisei", year: 2, month: 7, day: 15 }, "western", 2030, "4321"))),
      "90071520304321"
    )
    assert.strictEqual(text(Result.getOrThrow(build("2000-02-29", "western", 2030, "4321"))).slice(0, 6), "000229")
  })

  it("impossible dates are rejected: 令和 month 13, 30 February, 29 February of a common year", () => {
    assert.strictEqual(reasonOf(build({ era: "reiwa", year: 1, month: 13, day: 1 })), "ImpossibleDate")
    assert.strictEqual(reasonOf(build({ era: "reiwa", year: 3, month: 2, day: 30 })), "ImpossibleDate")
    assert.strictEqual(reasonOf(build("2001-02-30")), "ImpossibleDate")
    assert.strictEqual(reasonOf(build("2001-02-29", "western")), "ImpossibleDate")
    assert.strictEqual(reasonOf(build({ era: "reiwa", year: 1, month: 2, day: 29 })), "ImpossibleDate")
    assert.strictEqual(reasonOf(build({ year: 1980, month: 0, day: 1 })), "ImpossibleDate")
    assert.strictEqual(reasonOf(build({ year: 1980, month: 4, day: 31 })), "ImpossibleDate")
    assert.strictEqual(reasonOf(build({ era: "heisei", year: 4, month: 2, day: 29 })), "ok")
  })

  it("dates outside their era: 平成31年5月1日, 昭和64年1月8日, year 0, before 明治", () => {
    assert.strictEqual(reasonOf(build({ era: "heisei", year: 31, month: 5, day: 1 })), "OutsideEra")
    assert.strictEqual(reasonOf(build({ era: "showa", year: 64, month: 1, day: 8 })), "OutsideEra")
    assert.strictEqual(reasonOf(build({ era: "reiwa", year: 0, month: 5, day: 1 })), "OutsideEra")
    assert.strictEqual(reasonOf(build({ era: "reiwa", year: 1, month: 4, day: 30 })), "OutsideEra")
    assert.strictEqual(reasonOf(build("1868-01-24")), "OutsideEra")
    assert.strictEqual(reasonOf(build({ year: 80, month: 2, day: 17 }, "western")), "OutsideEra")
  })

  it("malformed dates, expiry years and security codes", () => {
    assert.strictEqual(reasonOf(build("1980/02/17")), "Format")
    assert.strictEqual(reasonOf(build({ era: "edo" as "meiji", year: 1, month: 1, day: 1 })), "Format")
    assert.strictEqual(reasonOf(build({ year: 1980.5, month: 2, day: 17 })), "Format")
    assert.strictEqual(reasonOf(build("1980-02-17", "gregorian" as "western")), "Format")
    assert.strictEqual(reasonOf(build("1980-02-17", "japanese", 35)), "ExpiryYear")
    assert.strictEqual(reasonOf(build("1980-02-17", "japanese", "20３5")), "ok")
    assert.strictEqual(reasonOf(build("1980-02-17", "japanese", 2015)), "ExpiryYear")
    assert.strictEqual(reasonOf(build("2020-02-17", "japanese", 2019)), "ExpiryYear")
    assert.strictEqual(reasonOf(build("1980-02-17", "japanese", 2035, "228")), "SecurityCode")
    assert.strictEqual(reasonOf(build("1980-02-17", "japanese", 2035, "22a5")), "SecurityCode")
    assert.strictEqual(reasonOf(build("1980-02-17", "japanese", 2035, "22855")), "SecurityCode")
  })

  it("parse of the 14 digits checks the date part in the card's calendar", () => {
    const parse = (s: string, calendar: "japanese" | "western") => VerificationNumberB.parseResult(s, { calendar })
    assert.strictEqual(reasonOf(parse("55021720352285", "japanese")), "ok")
    assert.strictEqual(reasonOf(parse("55 0217 2035 2285", "japanese")), "ok")
    assert.strictEqual(reasonOf(parse("55131720352285", "japanese")), "ImpossibleDate")
    assert.strictEqual(reasonOf(parse("00021720352285", "japanese")), "OutsideEra")
    assert.strictEqual(reasonOf(parse("00021720352285", "western")), "ok")
    assert.strictEqual(reasonOf(parse("65021720352285", "japanese")), "OutsideEra")
    assert.strictEqual(reasonOf(parse("55021719992285", "japanese")), "ExpiryYear")
    assert.strictEqual(reasonOf(parse("5502172035228", "japanese")), "Format")
    assert.strictEqual(reasonOf(BirthDateKey.parseResult("550230", { calendar: "japanese" })), "ImpossibleDate")
    assert.strictEqual(reasonOf(BirthDateKey.parseResult("550217", { calendar: "japanese" })), "ok")
  })

  it("its first six digits are the birth date key", () => {
    const vnb = Result.getOrThrow(build("1980-02-17"))
    assert.strictEqual(text(vnb.birthDateKey()), "550217")
    assert.strictEqual(vnb.birthDateKey().kind, "birthDateKey")
  })

  it.effect("build is an Effect failing with InvalidCredentialError", () =>
    Effect.gen(function* () {
      const e = yield* Effect.flip(
        VerificationNumberB.build({
          birthDate: "1980-02-30",
          calendar: "japanese",
          expiryYear: 2035,
          securityCode: "2285"
        })
      )
      assert.instanceOf(e, InvalidCredentialError)
      assert.strictEqual(e.reason, "ImpossibleDate")
      assert.notInclude(e.message, "1980")
    })
  )
})

describe("era conversion", () => {
  it("round-trips every boundary and rejects what is outside", () => {
    assert.deepStrictEqual(toJapanese({ year: 1989, month: 1, day: 7 }), { era: "showa", year: 64, month: 1, day: 7 })
    assert.deepStrictEqual(fromJapanese({ era: "reiwa", year: 1, month: 5, day: 1 }), { year: 2019, month: 5, day: 1 })
    assert.isUndefined(fromJapanese({ era: "taisho", year: 15, month: 12, day: 25 }))
    assert.isUndefined(toJapanese({ year: 1868, month: 1, day: 24 }))
    assert.deepStrictEqual(toJapanese({ year: 1868, month: 1, day: 25 }), { era: "meiji", year: 1, month: 1, day: 25 })
  })
})

describe("redaction", () => {
  it("no secret shows in toString, JSON, template strings or Node's inspector", () => {
    const secrets: ReadonlyArray<[unknown, string]> = [
      [Result.getOrThrow(Pin4.parseResult("7391")), "7391"],
      [Result.getOrThrow(SigningPassword.parseResult("secret42")), "SECRET42"],
      [Result.getOrThrow(MyNumber.parseResult("537686677188")), "537686677188"],
      [Result.getOrThrow(VerificationNumberA.parseResult("537686677188")), "537686677188"],
      [Result.getOrThrow(build("1980-02-17")), "55021720352285"],
      [Result.getOrThrow(BirthDateKey.buildResult({ birthDate: "1980-02-17", calendar: "japanese" })), "550217"]
    ]
    for (const [secret, value] of secrets) {
      for (const shown of [
        String(secret),
        `${secret}`,
        JSON.stringify(secret),
        JSON.stringify({ secret }),
        inspect(secret),
        inspect({ secret })
      ]) {
        assert.notInclude(shown, value)
        assert.include(shown, "redacted")
      }
    }
  })
  it("format errors never carry the value", () => {
    const failure = Pin4.parseResult("73915")
    assert.isTrue(Result.isFailure(failure))
    if (Result.isFailure(failure)) {
      assert.notInclude(JSON.stringify(failure.failure), "7391")
      assert.notInclude(failure.failure.message, "7391")
    }
  })
})
