// The PIN guard: tries read first without consuming one, refusal at one try left unless the call opts in, exactly
// one VERIFY, typed results for 63Cx / 6984, and format checks before any APDU. The scripted card dies on any
// command it was not given, so "no VERIFY was sent" is asserted by the script itself and by `remaining`.
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { CardStatusError } from "../../src/apdu/StatusWord.js"
import {
  InvalidCredentialError,
  InvalidDigestError,
  LastTryRefusedError,
  PinLockedError,
  PinStatusUnavailableError,
  WrongPinError
} from "../../src/mynumber/Errors.js"
import * as Jpki from "../../src/mynumber/jpki/Jpki.js"
import * as Kenhojo from "../../src/mynumber/kenhojo/Kenhojo.js"
import * as Kenkaku from "../../src/mynumber/kenkaku/Kenkaku.js"
import { type BirthDateKey, Pin4, type VerificationNumberB } from "../../src/mynumber/Pin.js"
import * as PinGuard from "../../src/mynumber/PinGuard.js"
import type { CardTransport } from "../../src/transport/CardTransport.js"
import { AID, myNumberEf, ok, PIN, query, run, selectAid, selectEf, verify } from "./fixtures.js"

const readMyNumber = (options?: PinGuard.VerifyOptions) => Kenhojo.readMyNumber({ pin: PIN }, options)
const upToQuery = (answer: string) => [selectAid(AID.kenhojo), selectEf("0011"), query(answer)]

describe("PinGuard: the tries query", () => {
  it.effect("comes first, as 00 20 00 80 without data (no Lc, no try consumed)", () =>
    Effect.gen(function* () {
      const r = yield* run(
        [...upToQuery("63C3"), verify(PIN), selectEf("0001"), { command: "00B0000000", response: ok(myNumberEf()) }],
        readMyNumber()
      )
      assert.strictEqual(r.remaining, 0)
      assert.deepStrictEqual(
        r.trace.map((e) => [e.header, e.data ?? "-"]),
        [
          ["00A4040C", AID.kenhojo],
          ["00A4020C", "0011"],
          ["00200080", "-"],
          ["00200080", "<redacted>"],
          ["00A4020C", "0001"],
          ["00B00000", "-"]
        ]
      )
    })
  )

  it.effect("one try left: LastTryRefusedError and no VERIFY sent", () =>
    Effect.gen(function* () {
      const r = yield* run(upToQuery("63C1"), readMyNumber())
      assert.instanceOf(r.result, LastTryRefusedError)
      const e = r.result as LastTryRefusedError
      assert.strictEqual(e.credential, "kenhojo.pin")
      assert.strictEqual(e.triesLeft, 1)
      assert.include(e.message, "allowLastTry")
      assert.strictEqual(r.remaining, 0)
      assert.isFalse(r.trace.some((t) => t.data === "<redacted>"))
    })
  )

  it.effect("one try left with { allowLastTry: true }: the VERIFY goes out once", () =>
    Effect.gen(function* () {
      const r = yield* run(
        [...upToQuery("63C1"), verify(PIN), selectEf("0001"), { command: "00B0000000", response: ok(myNumberEf()) }],
        readMyNumber({ allowLastTry: true })
      )
      assert.strictEqual(r.remaining, 0)
      assert.strictEqual(r.trace.filter((t) => t.data === "<redacted>").length, 1)
    })
  )

  it.effect("opting in and failing: 63C0 is WrongPinError with 0 tries, saying the card is now locked", () =>
    Effect.gen(function* () {
      const r = yield* run([...upToQuery("63C1"), verify(PIN, "63C0")], readMyNumber({ allowLastTry: true }))
      assert.instanceOf(r.result, WrongPinError)
      assert.strictEqual((r.result as WrongPinError).triesLeft, 0)
      assert.include((r.result as WrongPinError).message, "locked")
      assert.strictEqual(r.remaining, 0)
    })
  )

  it.effect("the opt-in is per call: the next call at one try left is refused again", () =>
    Effect.gen(function* () {
      const first = yield* run([...upToQuery("63C2"), verify(PIN, "63C1")], readMyNumber({ allowLastTry: true }))
      assert.strictEqual((first.result as WrongPinError).triesLeft, 1)
      const second = yield* run(upToQuery("63C1"), readMyNumber())
      assert.instanceOf(second.result, LastTryRefusedError)
    })
  )

  it.effect("a locked key (63C0 to the query) is PinLockedError, nothing sent, even with the opt-in", () =>
    Effect.gen(function* () {
      const r = yield* run(upToQuery("63C0"), readMyNumber({ allowLastTry: true }))
      assert.instanceOf(r.result, PinLockedError)
      assert.strictEqual(r.remaining, 0)
    })
  )

  it.effect("6984 to the query is locked too", () =>
    Effect.gen(function* () {
      const r = yield* run(upToQuery("6984"), readMyNumber())
      assert.instanceOf(r.result, PinLockedError)
    })
  )

  it.effect("a counter the card does not report (9000, 6300) sends nothing", () =>
    Effect.gen(function* () {
      for (const sw of ["9000", "6300"]) {
        const r = yield* run(upToQuery(sw), readMyNumber({ allowLastTry: true }))
        assert.instanceOf(r.result, PinStatusUnavailableError)
        assert.strictEqual(r.remaining, 0)
      }
    })
  )
})

describe("PinGuard: the VERIFY", () => {
  it.effect("63C2 is WrongPinError with 2 tries left; never a second VERIFY", () =>
    Effect.gen(function* () {
      const r = yield* run([...upToQuery("63C3"), verify(PIN, "63C2")], readMyNumber())
      assert.instanceOf(r.result, WrongPinError)
      const e = r.result as WrongPinError
      assert.strictEqual(e.triesLeft, 2)
      assert.strictEqual(e.credential, "kenhojo.pin")
      assert.strictEqual(e.step, "mynumber.kenhojo.pin.verify")
      assert.strictEqual(r.remaining, 0)
    })
  )

  it.effect("6984 is PinLockedError; 6983 too", () =>
    Effect.gen(function* () {
      for (const sw of ["6984", "6983"]) {
        const r = yield* run([...upToQuery("63C3"), verify(PIN, sw)], readMyNumber())
        assert.instanceOf(r.result, PinLockedError)
      }
    })
  )

  it.effect("6Cxx to a VERIFY is not resent (Iso7816.exchange would): a CardStatusError", () =>
    Effect.gen(function* () {
      const r = yield* run([...upToQuery("63C3"), verify(PIN, "6C00")], readMyNumber())
      assert.instanceOf(r.result, CardStatusError)
      assert.strictEqual(r.remaining, 0)
    })
  )

  it.effect("a secret of the wrong kind for the key: InvalidCredentialError before any APDU", () =>
    Effect.gen(function* () {
      const pin = yield* Pin4.parse(PIN)
      const r = yield* run([], PinGuard.verify("kenhojo.verificationNumberB", pin))
      assert.instanceOf(r.result, InvalidCredentialError)
      assert.strictEqual((r.result as InvalidCredentialError).reason, "WrongKind")
    })
  )
})

describe("format checks come before any APDU", () => {
  it.effect("malformed PINs, passwords, 照合番号A: empty script, typed error", () =>
    Effect.gen(function* () {
      const attempts: ReadonlyArray<Effect.Effect<unknown, unknown, CardTransport>> = [
        Kenhojo.readMyNumber({ pin: "123" }),
        Kenhojo.readMyNumber({ pin: "12345" }),
        Kenhojo.readMyNumber({ pin: "12a4" }),
        Kenhojo.readMyNumber({ pin: "" }),
        Kenhojo.readMyNumber({ pin: 1234 as unknown as string }),
        Kenhojo.readMyNumber({ verificationNumberA: "537686677189" }),
        Kenhojo.readMyNumber({ verificationNumberA: "53768667718" }),
        Jpki.sign({ key: "authentication", pin: "12" }, new Uint8Array(32)),
        Jpki.sign({ key: "signing", password: "abc12" }, new Uint8Array(32)),
        Jpki.sign({ key: "signing", password: "ABCDEFGH" }, new Uint8Array(32)),
        Jpki.sign({ key: "signing", password: "12345678" }, new Uint8Array(32)),
        Jpki.sign({ key: "signing", password: "ABCDEFGH1234567890" }, new Uint8Array(32)),
        Jpki.sign({ key: "signing", password: "ABC-1234" }, new Uint8Array(32)),
        Jpki.readSigningCertificate({ password: "ﾊﾟｽﾜｰﾄﾞ1" }),
        Kenkaku.readCardFace({ verificationNumberB: "55021720352285" as unknown as VerificationNumberB }),
        Kenkaku.readAgeRecord({ birthDateKey: "550217" as unknown as BirthDateKey })
      ]
      for (const attempt of attempts) {
        const r = yield* run([], attempt)
        assert.instanceOf(r.result, InvalidCredentialError)
        assert.strictEqual(r.trace.length, 0)
      }
    })
  )

  it.effect("a digest that is not 32 bytes: InvalidDigestError before any APDU", () =>
    Effect.gen(function* () {
      const r = yield* run([], Jpki.sign({ key: "authentication", pin: PIN }, new Uint8Array(31)))
      assert.instanceOf(r.result, InvalidDigestError)
      assert.strictEqual((r.result as InvalidDigestError).length, 31)
    })
  )

  it.effect("full-width digits are accepted and sent as ASCII; the password is upper-cased", () =>
    Effect.gen(function* () {
      const a = yield* run(
        [...upToQuery("63C3"), verify(PIN), selectEf("0001"), { command: "00B0000000", response: ok(myNumberEf()) }],
        Kenhojo.readMyNumber({ pin: "７３９１" })
      )
      assert.strictEqual(a.remaining, 0)
      const b = yield* run(
        [
          selectAid(AID.jpki),
          selectEf("001B"),
          query("63C5"),
          verify("ABC123"),
          selectEf("0001"),
          { command: "00B0000000", response: ok("30 03 02 01 05") }
        ],
        Jpki.readSigningCertificate({ password: " abc123 " })
      )
      assert.strictEqual(b.remaining, 0)
    })
  )
})
