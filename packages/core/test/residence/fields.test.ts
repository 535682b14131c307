import { assert, describe, it } from "@effect/vitest"
import { Result, Schema } from "effect"
import { decodeText, stripNulPadding } from "../../src/residence/Text.js"
import { CalendarDateFromYyyymmdd } from "../../src/schema/CalendarDate.js"

describe("CalendarDate from YYYYMMDD", () => {
  const decode = Schema.decodeUnknownResult(CalendarDateFromYyyymmdd)
  it("decodes real dates, leap days included", () => {
    assert.strictEqual(Result.getOrThrow(decode("20120310")), "2012-03-10")
    assert.strictEqual(Result.getOrThrow(decode("20240229")), "2024-02-29")
    assert.strictEqual(Result.getOrThrow(decode("20000229")), "2000-02-29")
  })
  it("rejects impossible dates without echoing the value", () => {
    for (const bad of ["20260230", "21000229", "20241301", "20240000", "2024031", "2024-03-1", "abcdefgh", ""]) {
      const result = decode(bad)
      assert.isTrue(Result.isFailure(result), bad)
      if (Result.isFailure(result) && bad.length > 0) assert.notInclude(result.failure.message, bad)
    }
  })
})

describe("card text", () => {
  it("strips the NUL padding and decodes UTF-8 strictly", () => {
    const bytes = new Uint8Array(20)
    bytes.set(new TextEncoder().encode("東京都"))
    const text = Result.getOrThrow(decodeText(bytes))
    assert.deepStrictEqual(text, { text: "東京都", encoding: "utf-8" })
    assert.strictEqual(stripNulPadding(Uint8Array.of(0x41, 0, 0)).length, 1)
  })
  it("falls back to Shift_JIS for older cards and says so", () => {
    // 東京都 in Shift_JIS: 93 8C 8B 9E 93 73 (not valid UTF-8)
    const text = Result.getOrThrow(decodeText(Uint8Array.of(0x93, 0x8c, 0x8b, 0x9e, 0x93, 0x73, 0, 0)))
    assert.deepStrictEqual(text, { text: "東京都", encoding: "shift_jis" })
  })
  it("refuses bytes that are neither, and NULs inside the text", () => {
    assert.isTrue(Result.isFailure(decodeText(Uint8Array.of(0x81, 0xff, 0xfe))))
    assert.isTrue(Result.isFailure(decodeText(Uint8Array.of(0x41, 0x00, 0x42))))
  })
})
