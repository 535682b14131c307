// JPKI against scripted cards pinned to shared/reference/mynumber-card.md §8.3 (certificates, DER length discovery),
// §8.4 (signing) and §8.5 (retry status).
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { concat, toHex } from "../../src/Bytes.js"
import { sha256 } from "../../src/crypto/Hash.js"
import { CardDataError, NotMyNumberCardError, WrongPinError } from "../../src/mynumber/Errors.js"
import * as Jpki from "../../src/mynumber/jpki/Jpki.js"
import {
  AID,
  asciiHex,
  certificate,
  extended,
  extendedRead,
  ff,
  ok,
  PASSWORD,
  PIN,
  pattern,
  query,
  run,
  selectAid,
  selectEf,
  shortReads,
  utf8,
  verify
} from "./fixtures.js"

const digest = sha256(utf8("jpcard"))
const digestInfo = `3031300D060960864801650304020105000420${toHex(digest)}`

describe("JPKI: token info and certificate availability", () => {
  it.effect("§8.3: SELECT EF0006, READ BINARY Le 20 → the label", () =>
    Effect.gen(function* () {
      const label = utf8("JPKIAPICCTOKEN2".padEnd(32, " "))
      const r = yield* run(
        [selectAid(AID.jpki), selectEf("0006"), { command: "00B0000020", response: ok(label) }],
        Jpki.readTokenInfo()
      )
      assert.deepStrictEqual(r.result, { label: "JPKIAPICCTOKEN2", kind: "card" })
    })
  )

  it.effect("EF0008: 8F 8F 00 is both certificates; 00 8F 00 has no signing certificate", () =>
    Effect.gen(function* () {
      const both = yield* run(
        [selectAid(AID.jpki), selectEf("0008"), { command: "00B0000000", response: "8F8F009000" }],
        Jpki.readCertificateAvailability()
      )
      assert.deepInclude(both.result, { signing: true, authentication: true })
      const minor = yield* run(
        [selectAid(AID.jpki), selectEf("0008"), { command: "00B0000000", response: "008F009000" }],
        Jpki.readCertificateAvailability()
      )
      assert.deepInclude(minor.result, { signing: false, authentication: true })
      const bad = yield* run(
        [selectAid(AID.jpki), selectEf("0008"), { command: "00B0000000", response: "8F8F9000" }],
        Jpki.readCertificateAvailability()
      )
      assert.instanceOf(bad.result, CardDataError)
    })
  )
})

describe("JPKI: certificates with DER length discovery", () => {
  const auth = certificate(1571)

  it.effect("short link: 7 reads for a 1571-byte certificate (30 82 06 1F), the last Le = remainder", () =>
    Effect.gen(function* () {
      const file = concat(auth, ff(200))
      const r = yield* run(
        [selectAid(AID.jpki), selectEf("000A"), ...shortReads(file, 1571)],
        Jpki.readCertificate("authentication")
      )
      assert.strictEqual(r.remaining, 0)
      assert.strictEqual(toHex((r.result as Uint8Array).subarray(0, 4)), "3082061F")
      assert.strictEqual(toHex(r.result as Uint8Array), toHex(auth))
      assert.deepStrictEqual(
        r.trace.slice(2).map((e) => `${e.header} ${e.le}`),
        ["00B00000 256", "00B00100 256", "00B00200 256", "00B00300 256", "00B00400 256", "00B00500 256", "00B00600 35"]
      )
    })
  )

  it.effect("extended link: the whole EF in one READ BINARY, cut to the DER length", () =>
    Effect.gen(function* () {
      const r = yield* run(
        [selectAid(AID.jpki), selectEf("000A"), extendedRead(concat(auth, ff(477)))],
        Jpki.readCertificate("authentication"),
        extended
      )
      assert.strictEqual(r.remaining, 0)
      assert.strictEqual((r.result as Uint8Array).length, 1571)
    })
  )

  it.effect("all certificates, the signing one after the signing password (§8.3 order)", () =>
    Effect.gen(function* () {
      const authCa = certificate(994, 31)
      const sign = certificate(1742, 32)
      const signCa = certificate(990, 33)
      const r = yield* run(
        [
          selectAid(AID.jpki),
          selectEf("000A"),
          extendedRead(auth),
          selectEf("000B"),
          extendedRead(authCa),
          selectEf("001B"),
          query("63C5"),
          verify(PASSWORD),
          selectEf("0001"),
          extendedRead(sign),
          selectEf("0002"),
          extendedRead(signCa)
        ],
        Jpki.readCertificates({ signingPassword: PASSWORD.toLowerCase() }),
        extended
      )
      assert.strictEqual(r.remaining, 0)
      const certs = r.result as Jpki.Certificates
      assert.strictEqual(certs.signing!.length, 1742)
      assert.strictEqual(certs.signingCa.length, 990)
      assert.strictEqual(certs.authenticationCa.length, 994)
    })
  )

  it.effect("an absent certificate (EF all FF) is a CardDataError, not a crash", () =>
    Effect.gen(function* () {
      const r = yield* run(
        [selectAid(AID.jpki), selectEf("0002"), { command: "00B0000000", response: ok(ff(256)) }],
        Jpki.readCertificate("signingCa")
      )
      assert.instanceOf(r.result, CardDataError)
    })
  )

  it.effect("not a My Number card: 6A82 on SELECT JPKI", () =>
    Effect.gen(function* () {
      const r = yield* run([selectAid(AID.jpki, "6A82")], Jpki.readCertificate("authentication"))
      assert.instanceOf(r.result, NotMyNumberCardError)
      assert.notInclude((r.result as NotMyNumberCardError).message, "smartphone")
    })
  )
})

describe("JPKI: signing (§8.4)", () => {
  it.effect("authentication key from a fresh session: six APDUs (bench: mynumber.jpki.sign.apdus)", () =>
    Effect.gen(function* () {
      const signature = pattern(256, 50)
      const r = yield* run(
        [
          selectAid(AID.jpki),
          selectEf("0018"),
          query("63C3"),
          verify(PIN),
          selectEf("0017"),
          { command: `802A008033${digestInfo}00`, response: ok(signature) }
        ],
        Jpki.sign({ key: "authentication", pin: PIN }, digest)
      )
      assert.strictEqual(r.remaining, 0)
      assert.strictEqual(r.trace.length, 6)
      assert.strictEqual(toHex(r.result as Uint8Array), toHex(signature))
      assert.strictEqual(r.trace[5]!.data, "<51 bytes>")
    })
  )

  it.effect("signing key with the password, upper-cased", () =>
    Effect.gen(function* () {
      const r = yield* run(
        [
          selectAid(AID.jpki),
          selectEf("001B"),
          query("63C5"),
          { command: `002000800A${asciiHex("ABCDEF1234")}`, response: "9000" },
          selectEf("001A"),
          { command: `802A008033${digestInfo}00`, response: ok(pattern(256, 51)) }
        ],
        Jpki.sign({ key: "signing", password: "abcdef1234" }, digest)
      )
      assert.strictEqual(r.remaining, 0)
    })
  )

  it.effect("a wrong password: WrongPinError with the tries left, no signature command", () =>
    Effect.gen(function* () {
      const r = yield* run(
        [selectAid(AID.jpki), selectEf("001B"), query("63C5"), verify(PASSWORD, "63C4")],
        Jpki.sign({ key: "signing", password: PASSWORD }, digest)
      )
      assert.instanceOf(r.result, WrongPinError)
      assert.strictEqual((r.result as WrongPinError).triesLeft, 4)
      assert.strictEqual((r.result as WrongPinError).credential, "jpki.signingPassword")
    })
  )
})

describe("JPKI: retry status (§8.5)", () => {
  it.effect("both secrets, no try consumed", () =>
    Effect.gen(function* () {
      const r = yield* run(
        [selectAid(AID.jpki), selectEf("0018"), query("63C3"), selectEf("001B"), query("63C0")],
        Jpki.readPinStatus()
      )
      assert.deepStrictEqual(r.result, [
        { credential: "jpki.authenticationPin", state: "available", triesLeft: 3, maxTries: 3 },
        { credential: "jpki.signingPassword", state: "locked", maxTries: 5 }
      ])
      assert.isFalse(r.trace.some((e) => e.data !== undefined && e.header === "00200080"))
    })
  )
})
