// The official worked example (在留カード等仕様書 Ver 1.5, 別添2, pp. 36–39) replayed byte for byte: with the spec's
// RND.IFD and K.IFD and a card answering with the spec's challenge and MUTUAL AUTHENTICATE response, the reader must
// send exactly the spec's commands. The scripted transport dies on the first byte that differs.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { concat, fromHex, toHex } from "../../src/Bytes.js"
import { aesCbcEncrypt, pad, tdesCbcEncrypt } from "../../src/crypto/index.js"
import * as SecureRandom from "../../src/random/SecureRandom.js"
import * as Authenticate from "../../src/residence/Authenticate.js"
import { CardNumber } from "../../src/residence/CardNumber.js"
import { aes, deriveAccessKey, deriveSessionKey, tdes } from "../../src/residence/CipherSuite.js"
import * as ResidenceCard from "../../src/residence/ResidenceCard.js"
import * as TestTransport from "../../src/transport/TestTransport.js"

const spec = {
  cardNumber: "AA12345678BB",
  kEnc: "6522B4E171195BB218223A976C040111",
  rndIcc: "5A6E7E385162B7A3",
  rndIfd: "1122334455667788",
  kIfd: "404142434445464748494A4B4C4D4E4F",
  kIcc: "19D049490FFF52EEDBFCB930BC810ED0",
  ksEnc: "CE94938E19E3B97DF96EABCEDC1715CC",
  getChallenge: { command: "00 84 00 00 08", response: "5A 6E 7E 38 51 62 B7 A3 90 00" },
  mutualAuthenticate: {
    command:
      "00 82 00 00 28 93 77 45 C2 08 83 A1 BA D1 E0 41 93 72 2A 15 92 37 8F 81 A8 F1 DC 58 91 57 AE B0 F7 54 4F A1 BA 1A D7 FB 6A 33 89 E0 17 00",
    response:
      "58 60 77 5B 4D 03 2C C5 64 BA 20 4B 8E A8 68 F6 94 A7 4E 74 75 A8 FE F2 40 58 8B DA 1A F4 96 CE 59 38 8F D6 CD 45 24 8B 90 00"
  },
  verify: { command: "08 20 00 86 13 86 11 01 1A A8 29 73 DB 95 9A 81 1F 97 11 D7 28 F0 EE F6", response: "90 00" },
  selectDf1: { command: "00 A4 04 0C 10 D3 92 F0 00 4F 02 00 00 00 00 00 00 00 00 00 00", response: "90 00" },
  readFront: "08 B0 85 00 00 00 04 96 02 00 00 00 00",
  selectDf2: { command: "00 A4 04 0C 10 D3 92 F0 00 4F 03 00 00 00 00 00 00 00 00 00 00", response: "90 00" },
  // Derived vector (shared/reference/residence-card.md §14.2): DF2/EF04 "D7 01 31" under the example's KSenc.
  readRenewal: { command: "08 B0 84 00 00 00 04 96 02 00 00 00 00", response: "86 09 01 BF F5 96 EB B0 C3 E4 27 90 00" }
}

const randoms = SecureRandom.layerFixed(fromHex(spec.rndIfd), fromHex(spec.kIfd))

describe("key derivation (別添2, p. 36–37)", () => {
  it("Kenc = Kmac = SHA-1(card number)[0..16]", () => {
    assert.strictEqual(toHex(deriveAccessKey(new TextEncoder().encode(spec.cardNumber))), spec.kEnc)
  })
  it("KSenc = SHA-1((K.IFD ⊕ K.ICC) ‖ 00000001)[0..16]", () => {
    assert.strictEqual(toHex(deriveSessionKey(fromHex(spec.kIfd), fromHex(spec.kIcc))), spec.ksEnc)
  })
})

describe("the worked example end to end", () => {
  it.effect("detect, authenticate, read DF1/EF01 and DF2/EF04 with exactly the spec's commands", () =>
    Effect.gen(function* () {
      // The card's SM response for the front image: the spec prints only its shape (86 82 1B 61 01 ‖ 7008 bytes),
      // so it is built here under the spec's KSenc literal: the reader can decrypt it only if it derived that key.
      const front = concat(
        fromHex("D0 82 1B 58"),
        new Uint8Array(7000).map((_, i) => (i * 7) & 0xff)
      )
      const ciphertext = tdesCbcEncrypt(fromHex(spec.ksEnc), pad(front, 8))
      assert.strictEqual(ciphertext.length, 7008)
      const frontResponse = toHex(concat(fromHex("86 82 1B 61 01"), ciphertext, fromHex("90 00")))
      const transport = TestTransport.scripted([
        { command: "00 B0 8B 00 00 00 00", response: "C0 04 30 30 30 31 90 00" },
        { command: "00 B0 8A 00 00 00 00", response: "C1 01 31 90 00" },
        spec.getChallenge,
        spec.mutualAuthenticate,
        spec.verify,
        spec.selectDf1,
        { command: spec.readFront, response: frontResponse },
        spec.selectDf2,
        spec.readRenewal
      ])
      const card = yield* ResidenceCard.read(spec.cardNumber, { files: ["frontImage", "renewalApplication"] }).pipe(
        Effect.provide(Layer.merge(TestTransport.layer(transport), randoms))
      )
      assert.strictEqual(transport.remaining(), 0)
      assert.strictEqual(card.generation, 1)
      if (card.generation !== 1) return
      assert.strictEqual(card.cardType, "1")
      assert.strictEqual(card.specVersion, "0001")
      assert.deepStrictEqual(card.filesRead, ["frontImage", "renewalApplication"])
      assert.strictEqual(card.renewalApplication, "applying")
      assert.strictEqual(toHex(card.frontImage!.data), toHex(front.subarray(4)))
    })
  )

  it.effect("authentication alone sends the spec's MUTUAL AUTHENTICATE and VERIFY", () =>
    Effect.gen(function* () {
      const transport = TestTransport.scripted([spec.getChallenge, spec.mutualAuthenticate, spec.verify])
      const number = yield* CardNumber.parse(spec.cardNumber)
      const session = yield* Authenticate.authenticate(number, tdes).pipe(
        Effect.provide(Layer.merge(TestTransport.layer(transport), randoms))
      )
      assert.strictEqual(transport.remaining(), 0)
      assert.notInclude(JSON.stringify(session), spec.ksEnc)
      assert.notInclude(String(session), spec.ksEnc)
    })
  )
})

// The second-generation worked example (second-generation spec 別添2, pp. 36–39, as quoted in
// shared/reference/residence-card.md §13; every value recomputed there): same card number, RND.IFD and K.IFD, with
// AES-128-CBC and AES-CMAC truncated to 8 bytes.
const gen2 = {
  kIcc: "2CC6AF9B8B607C662FDCAD27B401D08B",
  ksEnc: "C19CF13D3D7FBEE9EA293D834C88952F",
  getChallenge: { command: "00 84 00 00 08", response: "92 1C E2 77 32 3D A0 57 90 00" },
  mutualAuthenticate: {
    command:
      "00 82 00 00 28 4A D3 C7 B6 BB 48 4A 52 77 19 77 DE D6 18 B4 1D F8 41 FA 04 76 A0 5F BE 04 1D EA D6 10 9E 77 3B AC 85 46 17 63 4F 53 97 00",
    response:
      "28 9A 96 B1 DA 6A E3 DA 87 77 04 19 BF D1 4F 0B DA D1 5F 36 43 2B 5A 94 6C 18 8C 72 21 75 9A 62 FA 94 2E C5 1E 62 FF 5F 90 00"
  },
  verify: { command: "08 20 00 86 13 86 11 01 EE 0B 31 EF 87 7F 68 D0 71 C5 6D 58 C7 2E 67 48", response: "90 00" },
  readNameAndFace: "08 B0 84 00 00 00 04 96 02 00 00 00 00",
  // Derived vector (§14.2): DF2/EF02 "D8 01 31" under the example's KSenc.
  readRenewal: {
    command: "08 B0 82 00 00 00 04 96 02 00 00 00 00",
    response: "86 11 01 F4 22 52 86 EB CE 29 50 CC 0C B3 CB 2C DC 7F 02 90 00"
  }
}

describe("the second-generation worked example", () => {
  it("KSenc from K.IFD and the example's K.ICC", () => {
    assert.strictEqual(toHex(deriveSessionKey(fromHex(spec.kIfd), fromHex(gen2.kIcc))), gen2.ksEnc)
  })

  it.effect("detects 05, authenticates with AES and reads DF1/EF03 and DF2/EF02 with exactly the spec's commands", () =>
    Effect.gen(function* () {
      const nameAndFace = concat(
        fromHex("D0 82 09 C4"),
        new Uint8Array(2500).fill(0x4e),
        fromHex("D1 82 0B B8"),
        new Uint8Array(3000).map((_, i) => (i * 13 + 1) & 0xff)
      )
      const ciphertext = aesCbcEncrypt(fromHex(gen2.ksEnc), pad(nameAndFace, 16))
      assert.strictEqual(ciphertext.length, 5520)
      const transport = TestTransport.scripted([
        { command: "00 B0 8B 00 00 00 00", response: "C0 04 30 30 30 31 90 00" },
        { command: "00 B0 8A 00 00 00 00", response: "C1 02 30 35 90 00" },
        gen2.getChallenge,
        gen2.mutualAuthenticate,
        gen2.verify,
        spec.selectDf1,
        {
          command: gen2.readNameAndFace,
          response: toHex(concat(fromHex("86 82 15 91 01"), ciphertext, fromHex("90 00")))
        },
        spec.selectDf2,
        gen2.readRenewal
      ])
      const card = yield* ResidenceCard.read(spec.cardNumber, { files: ["nameAndFace", "renewalApplication"] }).pipe(
        Effect.provide(Layer.merge(TestTransport.layer(transport), randoms))
      )
      assert.strictEqual(transport.remaining(), 0)
      assert.strictEqual(card.generation, 2)
      if (card.generation !== 2) return
      assert.strictEqual(card.cardType, "05")
      assert.deepStrictEqual(card.filesRead, ["nameAndFace", "renewalApplication"])
      assert.strictEqual(card.renewalApplication?.code, "1")
      assert.strictEqual(card.nameImage?.data.length, 2500)
      assert.strictEqual(toHex(card.faceImage!.data), toHex(nameAndFace.subarray(2508)))
    })
  )

  it.effect("AES authentication alone sends the example's E_IFD‖M_IFD and VERIFY", () =>
    Effect.gen(function* () {
      const transport = TestTransport.scripted([gen2.getChallenge, gen2.mutualAuthenticate, gen2.verify])
      const number = yield* CardNumber.parse(spec.cardNumber)
      yield* Authenticate.authenticate(number, aes).pipe(
        Effect.provide(Layer.merge(TestTransport.layer(transport), randoms))
      )
      assert.strictEqual(transport.remaining(), 0)
    })
  )
})
