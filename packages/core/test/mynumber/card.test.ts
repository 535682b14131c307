// Common AP card info (§8.8), card presence (§8.7), the retry status of every key (§8.5), malformed files, and privacy:
// no PIN, password, My Number or 照合番号 reaches a trace or an error.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { concat, fromHex, toHex } from "../../src/Bytes.js"
import { sha256 } from "../../src/crypto/Hash.js"
import * as CardPresence from "../../src/mynumber/CardPresence.js"
import * as Common from "../../src/mynumber/common/Common.js"
import { CardDataError, NotMyNumberCardError } from "../../src/mynumber/Errors.js"
import * as Jpki from "../../src/mynumber/jpki/Jpki.js"
import * as Kenhojo from "../../src/mynumber/kenhojo/Kenhojo.js"
import * as Kenkaku from "../../src/mynumber/kenkaku/Kenkaku.js"
import * as MyNumberCard from "../../src/mynumber/MyNumberCard.js"
import { VerificationNumberB } from "../../src/mynumber/Pin.js"
import * as SecureRandom from "../../src/random/SecureRandom.js"
import * as ApduTrace from "../../src/trace/ApduTrace.js"
import { shortOnly } from "../../src/transport/CardTransport.js"
import * as TestTransport from "../../src/transport/TestTransport.js"
import {
  AID,
  asciiHex,
  basicInfoEf,
  ff,
  MY_NUMBER,
  myNumberEf,
  ok,
  PASSWORD,
  PIN,
  pattern,
  query,
  run,
  selectAid,
  selectEf,
  tlv,
  utf8,
  VNB,
  verify
} from "./fixtures.js"

describe("common AP: card information (§8.8)", () => {
  it.effect("SELECT, SELECT EF0001, READ RECORD 1: serial, municipality code, expiry", () =>
    Effect.gen(function* () {
      const record = `011C${asciiHex("990000000000001131012035040" + "1")}`
      const r = yield* run(
        [selectAid(AID.common), selectEf("0001"), { command: "00B2010400", response: ok(record) }],
        Common.readCardInfo()
      )
      assert.strictEqual(r.remaining, 0)
      const info = r.result as Common.CardInfo
      assert.deepStrictEqual(
        [info.serialNumber, info.municipalityCode, info.expiry],
        ["990000000000001", "13101", "2035-04-01"]
      )
    })
  )
  it.effect("a record that is not 01 1C + 28 digits, or an impossible expiry, is a CardDataError", () =>
    Effect.gen(function* () {
      for (const record of [
        `011B${asciiHex("990000000000001131012035040")}`,
        `011C${asciiHex("9900000000000011310120350231")}`,
        "02009000"
      ]) {
        const r = yield* run(
          [
            selectAid(AID.common),
            selectEf("0001"),
            { command: "00B2010400", response: record.endsWith("9000") ? record : ok(record) }
          ],
          Common.readCardInfo()
        )
        assert.instanceOf(r.result, CardDataError)
      }
    })
  )
})

describe("card presence (§8.7)", () => {
  it.effect("SELECT kenkaku, GET CHALLENGE 16, 80 2A 00 00 over DigestInfo(SHA-256(challenge ‖ nonce))", () =>
    Effect.gen(function* () {
      const challenge = pattern(16, 60)
      const nonce = pattern(16, 61)
      const digestInfo = concat(fromHex("3031300D060960864801650304020105000420"), sha256(concat(challenge, nonce)))
      const signature = pattern(256, 62)
      const r = yield* run(
        [
          selectAid(AID.kenkaku),
          { command: "0084000010", response: ok(challenge) },
          { command: `802A000033${toHex(digestInfo)}00`, response: ok(signature) }
        ],
        CardPresence.provePresence().pipe(Effect.provide(SecureRandom.layerFixed(nonce)))
      )
      assert.strictEqual(r.remaining, 0)
      const proof = r.result as CardPresence.PresenceProof
      assert.strictEqual(toHex(proof.message), toHex(concat(challenge, nonce)))
      assert.strictEqual(toHex(proof.signature), toHex(signature))
    })
  )
  it.effect("a verifier's nonce is used as given, in kenhojo too", () =>
    Effect.gen(function* () {
      const challenge = pattern(16, 63)
      const nonce = utf8("server-nonce-0001")
      const digestInfo = concat(fromHex("3031300D060960864801650304020105000420"), sha256(concat(challenge, nonce)))
      const r = yield* run(
        [
          selectAid(AID.kenhojo),
          { command: "0084000010", response: ok(challenge) },
          { command: `802A000033${toHex(digestInfo)}00`, response: ok(pattern(256)) }
        ],
        CardPresence.provePresence({ application: "kenhojo", nonce })
      )
      assert.strictEqual(r.remaining, 0)
    })
  )
})

describe("retry status of every key (§8.5)", () => {
  it.effect("all ten credentials, one SELECT per application, a smartphone-only application absent", () =>
    Effect.gen(function* () {
      const r = yield* run(
        [
          selectAid(AID.jpki),
          selectEf("0018"),
          query("63C3"),
          selectEf("001B"),
          query("63C5"),
          selectAid(AID.kenhojo),
          selectEf("0011"),
          query("63C2"),
          selectEf("0014"),
          query("63CA"),
          selectEf("0015"),
          query("63CA"),
          selectAid(AID.kenkaku),
          selectEf("0011"),
          query("9000"),
          selectEf("0012"),
          query("63CA"),
          selectEf("0013"),
          query("63C0"),
          selectAid(AID.common),
          selectEf("001C"),
          query("63C3"),
          selectAid(AID.juki, "6A82")
        ],
        MyNumberCard.readPinStatus()
      )
      assert.strictEqual(r.remaining, 0)
      const states = (r.result as ReadonlyArray<{ credential: string; state: string }>).map(
        (s) => `${s.credential}:${s.state}`
      )
      assert.deepStrictEqual(states, [
        "jpki.authenticationPin:available",
        "jpki.signingPassword:available",
        "kenhojo.pin:available",
        "kenhojo.verificationNumberA:available",
        "kenhojo.verificationNumberB:available",
        "kenkaku.birthDateKey:unknown",
        "kenkaku.verificationNumberB:available",
        "kenkaku.verificationNumberA:locked",
        "common.pin:available",
        "juki.pin:absent"
      ])
    })
  )
  it.effect("a card without the JPKI application is not a My Number card", () =>
    Effect.gen(function* () {
      const r = yield* run([selectAid(AID.jpki, "6A82")], MyNumberCard.readPinStatus())
      assert.instanceOf(r.result, NotMyNumberCardError)
    })
  )
})

describe("malformed files", () => {
  const head = [selectAid(AID.kenhojo), selectEf("0011"), query("63C3"), verify(PIN), selectEf("0002")]
  const read = Kenhojo.readBasicInfo({ pin: PIN })

  it.effect("FF filler after the data object is accepted, in the same read", () =>
    Effect.gen(function* () {
      const r = yield* run(
        [
          ...head,
          { command: "00B0000000", response: ok(basicInfoEf(undefined, undefined, undefined, undefined, 100)) }
        ],
        read
      )
      assert.strictEqual((r.result as Kenhojo.BasicInfo).sex, "male")
    })
  )

  it.effect("truncated TLV: the file ends inside its data object → CardDataError (6B00 past the end)", () =>
    Effect.gen(function* () {
      const whole = basicInfoEf()
      const file = whole.subarray(0, 60)
      const rest = toHex(Uint8Array.of(whole.length - 60))
      const r = yield* run(
        [...head, { command: "00B0000000", response: ok(file) }, { command: `00B0003C${rest}`, response: "6B00" }],
        read
      )
      assert.instanceOf(r.result, CardDataError)
      assert.include((r.result as CardDataError).detail, "truncated")
      assert.strictEqual((r.result as CardDataError).field, "kenhojo EF0002")
    })
  )

  it.effect("truncated inner object: a child that runs past its parent → CardDataError naming the object", () =>
    Effect.gen(function* () {
      const file = tlv(0xff20, fromHex("DF 21 08 00 0E 00 20 00 59 00 64 DF 22 40 41 42"))
      const r = yield* run([...head, { command: "00B0000000", response: ok(file) }], read)
      assert.instanceOf(r.result, CardDataError)
      assert.include((r.result as CardDataError).detail, "past the end")
    })
  )

  it.effect("bytes after the data object that are not filler → CardDataError", () =>
    Effect.gen(function* () {
      const r = yield* run(
        [...head, { command: "00B0000000", response: ok(concat(basicInfoEf(), fromHex("FF FF 12 34"))) }],
        read
      )
      assert.instanceOf(r.result, CardDataError)
    })
  )

  it.effect("a wrong outer tag, a missing field, a bad date, bad UTF-8 → CardDataError", () =>
    Effect.gen(function* () {
      const files = [
        tlv(0xff10, utf8(MY_NUMBER)),
        basicInfoEf().subarray(0, basicInfoEf().length - 4), // drops DF25: the outer length no longer matches
        basicInfoEf("名前", "住所", "19800230"),
        basicInfoEf("名前", "住所", "1980021"),
        basicInfoEf("名前", "住所", "19800217", "M"),
        tlv(
          0xff20,
          concat(
            tlv(0xdf21, new Uint8Array(8)),
            tlv(0xdf22, fromHex("C3 28")),
            tlv(0xdf23, utf8("a")),
            tlv(0xdf24, utf8("19800217")),
            tlv(0xdf25, utf8("1"))
          )
        ),
        ff(20),
        new Uint8Array(0)
      ]
      for (const file of files) {
        // A card that answers READ BINARY at any offset with what the file holds there (6B00 past its end).
        const card = TestTransport.fromFunction((command) => {
          if (command[1] !== 0xb0)
            return command[1] === 0x20 && command.length === 4 ? fromHex("63C3") : fromHex("9000")
          const offset = (command[2]! << 8) | command[3]!
          const le = command[4] || 256
          return offset >= file.length ? fromHex("6B00") : concat(file.subarray(offset, offset + le), fromHex("9000"))
        }, shortOnly)
        const result = yield* Effect.flip(read.pipe(Effect.provide(TestTransport.layer(card))))
        assert.instanceOf(result, CardDataError, toHex(file).slice(0, 20))
      }
    })
  )
})

describe("privacy", () => {
  it.effect("no PIN, password, My Number or 照合番号 in the trace or in any error, whatever the outcome", () =>
    Effect.gen(function* () {
      const trace: Array<ApduTrace.TraceEntry> = []
      const errors: Array<unknown> = []
      const vnb = yield* VerificationNumberB.build({
        birthDate: "1980-02-17",
        calendar: "japanese",
        expiryYear: 2035,
        securityCode: "2285"
      })
      const digest = sha256(utf8("x"))
      const scenarios: ReadonlyArray<
        [ReadonlyArray<TestTransport.ScriptedExchange>, Effect.Effect<unknown, unknown, never>]
      > = [
        [
          [selectAid(AID.kenhojo), selectEf("0011"), query("63C3"), verify(PIN, "63C2")],
          Kenhojo.readMyNumber({ pin: PIN }) as never
        ],
        [
          [selectAid(AID.kenhojo), selectEf("0014"), query("63C1")],
          Kenhojo.readMyNumber({ verificationNumberA: MY_NUMBER }) as never
        ],
        [
          [
            selectAid(AID.kenhojo),
            selectEf("0014"),
            query("63CA"),
            verify(MY_NUMBER),
            selectEf("0001"),
            { command: "00B0000000", response: ok(myNumberEf()) }
          ],
          Kenhojo.readMyNumber({ verificationNumberA: MY_NUMBER }) as never
        ],
        [
          [selectAid(AID.kenkaku), selectEf("0012"), query("63CA"), verify(VNB, "6984")],
          Kenkaku.readCardFace({ verificationNumberB: vnb }) as never
        ],
        [
          [selectAid(AID.kenkaku), selectEf("0011"), query("63C3"), verify("550217", "63C0")],
          Kenkaku.readAgeRecord({ birthDateKey: vnb.birthDateKey() }, { allowLastTry: true }) as never
        ],
        [
          [selectAid(AID.jpki), selectEf("001B"), query("63C5"), verify(PASSWORD, "63C4")],
          Jpki.sign({ key: "signing", password: PASSWORD }, digest) as never
        ],
        [
          [selectAid(AID.jpki), selectEf("0018"), query("63C3"), verify(PIN, "6A80")],
          Jpki.sign({ key: "authentication", pin: PIN }, digest) as never
        ],
        [[], Kenhojo.readMyNumber({ pin: `${PIN}0` }) as never],
        [[], Kenhojo.readMyNumber({ verificationNumberA: `${MY_NUMBER.slice(0, 11)}9` }) as never]
      ]
      for (const [script, effect] of scenarios) {
        const transport = TestTransport.scripted(script, shortOnly)
        const outcome = yield* Effect.result(
          effect.pipe(Effect.provide(Layer.merge(TestTransport.layer(transport), ApduTrace.layerCollect(trace))))
        )
        if (outcome._tag === "Failure") errors.push(outcome.failure)
        else errors.push(outcome.success)
      }
      assert.isAtLeast(errors.length, 9)
      const secrets = [PIN, PASSWORD, MY_NUMBER, VNB, "550217", MY_NUMBER.slice(0, 11)]
      const forms = secrets.flatMap((s) => [s, asciiHex(s), asciiHex(s).toLowerCase()])
      const shown = [
        JSON.stringify(trace),
        trace.map(ApduTrace.format).join("\n"),
        ...errors.flatMap((e) => [JSON.stringify(e), String(e), e instanceof Error ? `${e.message}\n${e.stack}` : ""])
      ].join("\n")
      for (const form of forms) assert.notInclude(shown, form)
      // Not even the signing password's length.
      assert.isTrue(
        trace.filter((e) => e.header === "00200080" && e.data !== undefined).every((e) => e.data === "<redacted>")
      )
    })
  )
})
