// Kenkaku (券面事項確認AP) against scripted cards pinned to shared/reference/mynumber-card.md §8.6: the card face in one
// extended READ BINARY, or in the fewest 256-byte chunks with the length from the first chunk's header.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted, Result } from "effect"
import { toHex } from "../../src/Bytes.js"
import { CardDataError, CredentialScopeError } from "../../src/mynumber/Errors.js"
import * as Kenkaku from "../../src/mynumber/kenkaku/Kenkaku.js"
import { BirthDateKey, VerificationNumberB } from "../../src/mynumber/Pin.js"
import * as Tlv from "../../src/tlv/Tlv.js"
import type { Capabilities } from "../../src/transport/CardTransport.js"
import {
  AID,
  ageRecordEf,
  cardFaceEf,
  cvcEf,
  extended,
  extendedRead,
  MY_NUMBER,
  myNumberImageEf,
  ok,
  query,
  run,
  selectAid,
  selectEf,
  shortReads,
  tlv,
  VNB,
  verify
} from "./fixtures.js"

const vnb = VerificationNumberB.build({
  birthDate: { era: "showa", year: 55, month: 2, day: 17 },
  calendar: "japanese",
  expiryYear: "2035",
  securityCode: "2285"
})
const withB = [selectAid(AID.kenkaku), selectEf("0012"), query("63CA"), verify(VNB), selectEf("0002")]

describe("kenkaku: the card face with 照合番号B (§8.6)", () => {
  const file = cardFaceEf(3947, 300)
  const need = file.length - 300

  it.effect("short link: the minimum number of 256-byte reads (bench: mynumber.face.apdus.short256)", () =>
    Effect.gen(function* () {
      const reads = shortReads(file, need)
      const r = yield* run(
        [...withB, ...reads],
        Effect.flatMap(vnb, (verificationNumberB) => Kenkaku.readCardFace({ verificationNumberB }))
      )
      assert.strictEqual(r.remaining, 0)
      assert.strictEqual(reads.length, Math.ceil(need / 256))
      const face = r.result as Kenkaku.CardFace
      assert.strictEqual(face.birthDate, "1980-02-17")
      assert.strictEqual(face.expiry, "2035-02-17")
      assert.strictEqual(face.sex, "male")
      assert.strictEqual(face.photo.length, 3947)
      assert.strictEqual(face.nameImage.length, 321)
      assert.strictEqual(face.addressImage.length, 776)
      assert.strictEqual(face.securityCodeImage.length, 102)
      assert.strictEqual(face.signature.length, 256)
      assert.strictEqual(face.cardPublicKey.length, 265)
      assert.strictEqual(face.offsets.length, 9)
      assert.strictEqual(face.signedParts.birthSexKey.length, 11 + 4 + 270)
      assert.strictEqual(toHex(face.signedParts.photo.subarray(0, 5)), "DF27820F6B")
      assert.strictEqual(face.raw.length, need)
    })
  )

  it.effect(
    "extended link: one READ BINARY for the whole file, filler included (bench: mynumber.face.apdus.extended)",
    () =>
      Effect.gen(function* () {
        const r = yield* run(
          [...withB, extendedRead(file)],
          Effect.flatMap(vnb, (verificationNumberB) => Kenkaku.readCardFace({ verificationNumberB })),
          extended
        )
        assert.strictEqual(r.remaining, 0)
        assert.strictEqual(r.trace.length, 6)
        assert.strictEqual((r.result as Kenkaku.CardFace).raw.length, file.length)
      })
  )

  it.effect("a reader that claims extended length and answers 6700: short chunks from then on", () =>
    Effect.gen(function* () {
      const r = yield* run(
        [...withB, { command: "00B0000000 0000", response: "6700" }, ...shortReads(file, need)],
        Effect.flatMap(vnb, (verificationNumberB) => Kenkaku.readCardFace({ verificationNumberB })),
        extended
      )
      assert.strictEqual(r.remaining, 0)
      assert.strictEqual((r.result as Kenkaku.CardFace).photo.length, 3947)
    })
  )

  it.effect("a link capped at 1693 bytes (iOS): extended chunks of the cap, the last cut to the rest", () =>
    Effect.gen(function* () {
      const ios: Capabilities = { extendedLength: true, maxResponseLength: 1693, maxCommandLength: 65544 }
      const at = (o: number) => toHex(Uint8Array.of(o >> 8, o & 0xff))
      const le = (n: number) => toHex(Uint8Array.of(0, n >> 8, n & 0xff))
      const script = [...withB]
      for (let offset = 0; offset < need; offset += 1693) {
        const n = Math.min(1693, need - offset)
        const wire = n > 256 ? le(n) : toHex(Uint8Array.of(n & 0xff))
        script.push({
          command: `00B0${at(offset)}${offset === 0 ? le(1693) : wire}`,
          response: ok(file.subarray(offset, offset + (offset === 0 ? 1693 : n)))
        })
      }
      const r = yield* run(
        script,
        Effect.flatMap(vnb, (verificationNumberB) => Kenkaku.readCardFace({ verificationNumberB })),
        ios
      )
      assert.strictEqual(r.remaining, 0)
      assert.strictEqual(script.length - withB.length, Math.ceil(need / 1693))
    })
  )

  it("DF21 of an odd length cannot hold 16-bit offsets: a CardDataError naming DF21", () => {
    const face = Tlv.decodeAt(tlv(0xff20, tlv(0xdf21, Uint8Array.of(0, 20, 1))), 0)
    assert.isTrue(Result.isSuccess(face))
    if (Result.isFailure(face)) return
    const r = Kenkaku.parseCardFace(face.success.value, face.success, "s")
    assert.isTrue(Result.isFailure(r))
    if (Result.isSuccess(r)) return
    assert.instanceOf(r.failure, CardDataError)
    assert.strictEqual(r.failure.field, "kenkaku EF0002 DF21 (offsets)")
    assert.strictEqual(r.failure.detail, "an odd number of bytes for 16-bit offsets")
  })
})

describe("kenkaku: 照合番号A, the birth date key, the certificate", () => {
  it.effect("照合番号A opens the face and the My Number image: SELECT 0013, one VERIFY, both files", () =>
    Effect.gen(function* () {
      const face = cardFaceEf(1000)
      const image = myNumberImageEf()
      const r = yield* run(
        [
          selectAid(AID.kenkaku),
          selectEf("0013"),
          query("63CA"),
          verify(MY_NUMBER),
          selectEf("0002"),
          ...shortReads(face, face.length),
          selectEf("0005"),
          ...shortReads(image, image.length)
        ],
        Kenkaku.read({ verificationNumberA: MY_NUMBER }, { items: ["cardFace", "myNumberImage"] })
      )
      assert.strictEqual(r.remaining, 0)
      const data = r.result as Kenkaku.KenkakuData
      assert.strictEqual(data.cardFace!.photo.length, 1000)
      assert.strictEqual(Redacted.value(data.myNumberImage!.image).length, 146)
      assert.include(JSON.stringify(data.myNumberImage), '"image":"<redacted>"')
    })
  )

  it.effect("the age record with the birth date key: SELECT 0011, VERIFY 06 '550217', EF0001", () =>
    Effect.gen(function* () {
      const record = ageRecordEf()
      const key = BirthDateKey.build({ birthDate: "1980-02-17", calendar: "japanese" })
      const r = yield* run(
        [
          selectAid(AID.kenkaku),
          selectEf("0011"),
          query("63C3"),
          verify("550217"),
          selectEf("0001"),
          ...shortReads(record, record.length)
        ],
        Effect.flatMap(key, (birthDateKey) => Kenkaku.readAgeRecord({ birthDateKey }))
      )
      assert.strictEqual(r.remaining, 0)
      const age = r.result as Kenkaku.AgeRecord
      assert.strictEqual(age.birthDate, "1980-02-17")
      assert.strictEqual(age.signature.length, 256)
    })
  )

  it.effect("照合番号B does not open the My Number image; the birth key does not open the face", () =>
    Effect.gen(function* () {
      const b = yield* vnb
      const r1 = yield* run([], Kenkaku.read({ verificationNumberB: b }, { items: ["myNumberImage"] }))
      assert.instanceOf(r1.result, CredentialScopeError)
      const r2 = yield* run([], Kenkaku.read({ birthDateKey: b.birthDateKey() }, { items: ["cardFace"] }))
      assert.instanceOf(r2.result, CredentialScopeError)
    })
  )

  it.effect("the CVC needs no credential", () =>
    Effect.gen(function* () {
      const cvc = cvcEf(40)
      const r = yield* run(
        [selectAid(AID.kenkaku), selectEf("0004"), ...shortReads(cvc, cvc.length)],
        Kenkaku.readCertificate()
      )
      assert.strictEqual(r.remaining, 0)
      assert.strictEqual((r.result as { body: Uint8Array }).body.length, 297)
    })
  )
})
