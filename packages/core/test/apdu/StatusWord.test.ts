// Status words from ISO/IEC 7816-4 §5.6 and the residence card spec's table (SPEC1 §4.1.8 表4-5, p. 20).
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { CardStatusError, describe as describeSw, retriesLeft } from "../../src/apdu/StatusWord.js"

describe("StatusWord.describe", () => {
  const known: ReadonlyArray<readonly [number, string, string]> = [
    // ISO/IEC 7816-4: a READ BINARY that reached the end of the file before Le bytes (was "unknown status").
    [0x6282, "EndOfFile", "end of file reached before the bytes asked for"],
    [0x6283, "FileBlocked", "selected file blocked"],
    [0x6300, "VerificationFailed", "verification failed"],
    [0x6700, "WrongLength", "wrong length"],
    [0x6982, "SecurityStatusNotSatisfied", "security status not satisfied"],
    [0x6985, "ConditionsOfUseNotSatisfied", "conditions of use not satisfied"],
    [0x6986, "CommandNotAllowed", "command not allowed (no current EF)"],
    [0x6988, "SecureMessagingDataIncorrect", "secure messaging data objects incorrect"],
    [0x6a82, "FileNotFound", "file or application not found"],
    [0x6a86, "IncorrectP1P2", "incorrect P1-P2"],
    [0x6b00, "OffsetOutOfRange", "offset outside the file"],
    [0x6d00, "InstructionNotSupported", "instruction not supported"],
    [0x6e00, "ClassNotSupported", "class not supported"],
    [0x6f00, "CardFault", "no precise diagnosis (card self-test error)"]
  ]
  for (const [sw, reason, meaning] of known)
    it(`${sw.toString(16).toUpperCase()} is ${reason}`, () => {
      assert.deepStrictEqual(describeSw(sw), { reason, meaning })
    })

  it("every status word of the spec's generic table has a reason", () => {
    const table = [
      0x6283, 0x6300, 0x6400, 0x6581, 0x6700, 0x6881, 0x6882, 0x6981, 0x6982, 0x6983, 0x6984, 0x6985, 0x6986, 0x6987,
      0x6988, 0x6999, 0x6a80, 0x6a81, 0x6a82, 0x6a84, 0x6a85, 0x6a86, 0x6a87, 0x6a88, 0x6b00, 0x6d00, 0x6e00, 0x6f00
    ]
    for (const sw of table) assert.notStrictEqual(describeSw(sw).reason, "Unknown", sw.toString(16))
  })

  it("63Cx is a failed verification with x tries left", () => {
    assert.deepStrictEqual(describeSw(0x63c2), {
      reason: "VerificationFailed",
      meaning: "verification failed, 2 tries left"
    })
    assert.strictEqual(describeSw(0x63c0).meaning, "verification failed, 0 tries left")
    assert.strictEqual(describeSw(0x63cf).meaning, "verification failed, 15 tries left")
    assert.strictEqual(retriesLeft(0x63c2), 2)
    assert.strictEqual(retriesLeft(0x63c0), 0)
    assert.isUndefined(retriesLeft(0x6300))
    assert.isUndefined(retriesLeft(0x9000))
  })

  it("6Cxx is a wrong Le with xx bytes available; 6C00 means 256", () => {
    assert.deepStrictEqual(describeSw(0x6c10), { reason: "WrongLe", meaning: "wrong Le, 16 bytes available" })
    assert.strictEqual(describeSw(0x6c00).meaning, "wrong Le, 256 bytes available")
  })

  it("anything else is Unknown", () => {
    assert.deepStrictEqual(describeSw(0x6a83), { reason: "Unknown", meaning: "unknown status" })
    assert.strictEqual(describeSw(0x1234).reason, "Unknown")
    assert.strictEqual(describeSw(0x63d2).reason, "Unknown")
  })
})

describe("CardStatusError", () => {
  it("fromSw keeps the step, the SW and the reason", () => {
    const e = CardStatusError.fromSw("residence.readFrontImage", 0x6982)
    assert.strictEqual(e._tag, "CardStatusError")
    assert.strictEqual(e.step, "residence.readFrontImage")
    assert.strictEqual(e.sw, 0x6982)
    assert.strictEqual(e.reason, "SecurityStatusNotSatisfied")
  })

  it("the message names the step and the SW and nothing else", () => {
    const cases: ReadonlyArray<readonly [number, string]> = [
      [0x6982, "residence.readFrontImage: the card answered 6982 (security status not satisfied)"],
      [0x6a82, "residence.readFrontImage: the card answered 6A82 (file or application not found)"],
      [0x6300, "residence.readFrontImage: the card answered 6300 (verification failed)"],
      [0x63c2, "residence.readFrontImage: the card answered 63C2 (verification failed, 2 tries left)"],
      [0x6700, "residence.readFrontImage: the card answered 6700 (wrong length)"],
      [0x6b00, "residence.readFrontImage: the card answered 6B00 (offset outside the file)"],
      [0x6c08, "residence.readFrontImage: the card answered 6C08 (wrong Le, 8 bytes available)"],
      [0x6a83, "residence.readFrontImage: the card answered 6A83 (unknown status)"]
    ]
    for (const [sw, message] of cases) {
      const e = CardStatusError.fromSw("residence.readFrontImage", sw)
      assert.strictEqual(e.message, message)
      assert.match(e.message, /^[\w.]+: the card answered [0-9A-F]{4} \([\w ,()-]+\)$/)
    }
  })

  it("carries only step, SW and reason, so no APDU data can leak through it", () => {
    const e = CardStatusError.fromSw("residence.authenticate.verify", 0x6300)
    assert.deepStrictEqual(Object.keys(e).sort(), ["_tag", "reason", "step", "sw"])
  })

  it.effect("is a typed failure that catchTag can handle", () =>
    Effect.gen(function* () {
      const sw = yield* Effect.fail(CardStatusError.fromSw("s", 0x6a82)).pipe(
        Effect.catchTag("CardStatusError", (e) => Effect.succeed(e.sw))
      )
      assert.strictEqual(sw, 0x6a82)
      const flipped = yield* Effect.flip(Effect.fail(CardStatusError.fromSw("s", 0x6b00)))
      assert.strictEqual(flipped.reason, "OffsetOutOfRange")
    })
  )
})
