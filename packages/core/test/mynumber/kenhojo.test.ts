// Kenhojo (券面事項入力補助AP) against scripted cards pinned to shared/reference/mynumber-card.md §8.1 and §8.2.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted, Result } from "effect"
import { toHex } from "../../src/Bytes.js"
import { CardDataError, CredentialScopeError, NotMyNumberCardError } from "../../src/mynumber/Errors.js"
import * as Kenhojo from "../../src/mynumber/kenhojo/Kenhojo.js"
import { VerificationNumberB } from "../../src/mynumber/Pin.js"
import {
  AID,
  basicInfoEf,
  cvcEf,
  extended,
  extendedRead,
  integrityEf,
  MY_NUMBER,
  myNumberEf,
  ok,
  PIN,
  query,
  run,
  selectAid,
  selectEf,
  shortReads,
  utf8,
  VNB,
  verify
} from "./fixtures.js"

const vnb = VerificationNumberB.build({
  birthDate: "1980-02-17",
  calendar: "japanese",
  expiryYear: 2035,
  securityCode: "2285"
})

describe("kenhojo: the My Number (§8.1)", () => {
  it.effect("PIN: SELECT, SELECT 0011, tries, VERIFY, SELECT 0001, one READ BINARY of 17 bytes", () =>
    Effect.gen(function* () {
      const r = yield* run(
        [
          selectAid(AID.kenhojo),
          selectEf("0011"),
          query("63C3"),
          verify(PIN),
          selectEf("0001"),
          { command: "00B0000000", response: ok(myNumberEf()) }
        ],
        Kenhojo.readMyNumber({ pin: PIN })
      )
      assert.strictEqual(r.remaining, 0)
      const record = r.result as Kenhojo.MyNumberRecord
      assert.strictEqual(record.myNumber.reveal(), MY_NUMBER)
      assert.strictEqual(toHex(Redacted.value(record.raw)), toHex(myNumberEf()))
      assert.strictEqual(Redacted.value(record.raw).length, 17)
      assert.notInclude(JSON.stringify(record), MY_NUMBER)
      assert.notInclude(String(record.myNumber), MY_NUMBER)
    })
  )

  it.effect("照合番号A: SELECT 0014, VERIFY with the 12 digits", () =>
    Effect.gen(function* () {
      const r = yield* run(
        [
          selectAid(AID.kenhojo),
          selectEf("0014"),
          query("63CA"),
          verify(MY_NUMBER),
          selectEf("0001"),
          { command: "00B0000000", response: ok(myNumberEf()) }
        ],
        Kenhojo.readMyNumber({ verificationNumberA: "5376 8667 7188" })
      )
      assert.strictEqual(r.remaining, 0)
      assert.strictEqual((r.result as Kenhojo.MyNumberRecord).myNumber.reveal(), MY_NUMBER)
    })
  )

  it.effect("a My Number with a wrong check digit on the card is a CardDataError naming the file", () =>
    Effect.gen(function* () {
      const r = yield* run(
        [
          selectAid(AID.kenhojo),
          selectEf("0011"),
          query("63C3"),
          verify(PIN),
          selectEf("0001"),
          { command: "00B0000000", response: ok(myNumberEf("537686677189")) }
        ],
        Kenhojo.readMyNumber({ pin: PIN })
      )
      assert.instanceOf(r.result, CardDataError)
      assert.include((r.result as CardDataError).field, "EF0001")
      assert.notInclude(JSON.stringify(r.result), "53768667718")
    })
  )

  it("EF0001 holds exactly 12 ASCII digits ending in the check digit: nothing is trimmed, ungrouped or widened", () => {
    assert.isTrue(Result.isSuccess(Kenhojo.parseMyNumber(myNumberEf(), utf8(MY_NUMBER), "s")))
    for (const value of [
      `${MY_NUMBER} `,
      ` ${MY_NUMBER.slice(0, 11)}`,
      "5376-8667718",
      "５３７６８６６７７１８８",
      "537686677189"
    ]) {
      const r = Kenhojo.parseMyNumber(myNumberEf(), utf8(value), "s")
      assert.isTrue(Result.isFailure(r), value)
      if (Result.isSuccess(r)) continue
      assert.strictEqual(r.failure.field, "kenhojo EF0001 FF10 (My Number)")
      assert.strictEqual(r.failure.detail, "not 12 digits ending in the check digit")
      assert.notInclude(r.failure.message, "5376")
    }
  })
})

describe("kenhojo: the basic four information (§8.2)", () => {
  it.effect("PIN: six APDUs when the file fits the first READ BINARY (bench: mynumber.basic4.apdus)", () =>
    Effect.gen(function* () {
      const file = basicInfoEf()
      const r = yield* run(
        [
          selectAid(AID.kenhojo),
          selectEf("0011"),
          query("63C3"),
          verify(PIN),
          selectEf("0002"),
          { command: "00B0000000", response: ok(file) }
        ],
        Kenhojo.readBasicInfo({ pin: PIN })
      )
      assert.strictEqual(r.remaining, 0)
      assert.strictEqual(r.trace.length, 6)
      const info = r.result as Kenhojo.BasicInfo
      assert.strictEqual(info.name, "黒桐　幹也")
      assert.strictEqual(info.address, "東京都清瀬市中清戸５丁目１番地")
      assert.strictEqual(info.birthDate, "1980-02-17")
      assert.strictEqual(info.sex, "male")
      assert.strictEqual(info.sexCode, "1")
      assert.deepStrictEqual(info.offsets.length, 4)
      assert.strictEqual(info.offsets[0], 14)
      assert.strictEqual(toHex(info.raw), toHex(file))
    })
  )

  it.effect("照合番号B: SELECT 0015, VERIFY 0E with the 14 digits", () =>
    Effect.gen(function* () {
      const file = basicInfoEf("山田　花子", "大阪府", "20010228", "2", 40)
      const r = yield* run(
        [
          selectAid(AID.kenhojo),
          selectEf("0015"),
          query("63CA"),
          verify(VNB),
          selectEf("0002"),
          { command: "00B0000000", response: ok(file) }
        ],
        Effect.flatMap(vnb, (verificationNumberB) => Kenhojo.readBasicInfo({ verificationNumberB }))
      )
      assert.strictEqual(r.remaining, 0)
      const info = r.result as Kenhojo.BasicInfo
      assert.strictEqual(info.name, "山田　花子")
      assert.strictEqual(info.sex, "female")
      assert.strictEqual(info.birthDate, "2001-02-28")
      assert.strictEqual(r.trace[3]!.data, "<redacted>")
    })
  )

  it.effect("a file longer than 256 bytes: the header in the first chunk gives the rest (one more APDU)", () =>
    Effect.gen(function* () {
      const file = basicInfoEf("長い名前".repeat(10), "長い住所".repeat(20), "19800217", "9", 30)
      const need = file.length - 30
      const r = yield* run(
        [
          selectAid(AID.kenhojo),
          selectEf("0011"),
          query("63C2"),
          verify(PIN),
          selectEf("0002"),
          ...shortReads(file, need)
        ],
        Kenhojo.readBasicInfo({ pin: PIN })
      )
      assert.strictEqual(r.remaining, 0)
      assert.isTrue(need > 256 && need <= 512)
      assert.strictEqual(r.trace.length, 7)
      assert.strictEqual((r.result as Kenhojo.BasicInfo).sex, "notApplicable")
    })
  )

  it.effect("照合番号A does not open the basic four information: CredentialScopeError, no APDU", () =>
    Effect.gen(function* () {
      const r = yield* run([], Kenhojo.read({ verificationNumberA: MY_NUMBER }, { items: ["basicInfo"] }))
      assert.instanceOf(r.result, CredentialScopeError)
      assert.strictEqual(r.trace.length, 0)
    })
  )
})

describe("kenhojo: everything with one VERIFY", () => {
  it.effect("short reads: EF0003 (336 bytes) in 2 APDUs, EF0004 (568 bytes) in 3", () =>
    Effect.gen(function* () {
      const integrity = integrityEf()
      const cvc = cvcEf()
      assert.strictEqual(integrity.length, 336)
      assert.strictEqual(cvc.length, 568)
      const r = yield* run(
        [
          selectAid(AID.kenhojo),
          selectEf("0011"),
          query("63C3"),
          verify(PIN),
          selectEf("0001"),
          { command: "00B0000000", response: ok(myNumberEf()) },
          selectEf("0002"),
          { command: "00B0000000", response: ok(basicInfoEf()) },
          selectEf("0003"),
          ...shortReads(integrity, 336),
          selectEf("0004"),
          ...shortReads(cvc, 568)
        ],
        Kenhojo.read({ pin: PIN })
      )
      assert.strictEqual(r.remaining, 0)
      const data = r.result as Kenhojo.KenhojoData
      assert.strictEqual(data.myNumber!.myNumber.reveal(), MY_NUMBER)
      assert.strictEqual(data.basicInfo!.name, "黒桐　幹也")
      assert.strictEqual(data.integrityRecord!.signature.length, 256)
      assert.strictEqual(data.integrityRecord!.basicInfoDigest.length, 32)
      assert.strictEqual(Redacted.value(data.integrityRecord!.myNumberDigest).length, 32)
      assert.strictEqual(data.certificate!.body.length, 297)
      assert.strictEqual(data.certificate!.signature.length, 256)
      assert.strictEqual(toHex(data.certificate!.raw), toHex(cvc))
      assert.deepStrictEqual(
        r.trace.filter((e) => e.header.startsWith("00B0")).map((e) => `${e.header} ${e.le}`),
        ["00B00000 256", "00B00000 256", "00B00000 256", "00B00100 80", "00B00000 256", "00B00100 256", "00B00200 56"]
      )
    })
  )

  it.effect("extended link: the CVC in one extended READ BINARY", () =>
    Effect.gen(function* () {
      const r = yield* run(
        [selectAid(AID.kenhojo), selectEf("0004"), extendedRead(cvcEf())],
        Kenhojo.readCertificate(),
        extended
      )
      assert.strictEqual(r.remaining, 0)
      assert.strictEqual(r.trace[2]!.form, "extended")
    })
  )

  it.effect("not a My Number card: 6A82 on SELECT is NotMyNumberCardError, before any VERIFY", () =>
    Effect.gen(function* () {
      const r = yield* run([selectAid(AID.kenhojo, "6A82")], Kenhojo.readMyNumber({ pin: PIN }))
      assert.instanceOf(r.result, NotMyNumberCardError)
      assert.strictEqual((r.result as NotMyNumberCardError).application, "kenhojo")
      assert.include((r.result as NotMyNumberCardError).message, "not a My Number card")
    })
  )
})
