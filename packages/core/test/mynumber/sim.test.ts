// The readers against the simulated My Number card (@jpcard/sim, written from the reference independently of this
// reader): everything read and checked against the card's own data and keys, the PIN guard at the last try, and the
// APDU counts the bench measures.
import { assert, describe, it } from "@effect/vitest"
import { MyNumberCard as MyNumberSim } from "@jpcard/sim"
import * as SimTransport from "@jpcard/sim/SimTransport"
import { Effect, Redacted, Result } from "effect"
import { concat, fromHex, toHex } from "../../src/Bytes.js"
import { sha256 } from "../../src/crypto/Hash.js"
import * as CardPresence from "../../src/mynumber/CardPresence.js"
import * as Common from "../../src/mynumber/common/Common.js"
import { LastTryRefusedError, PinLockedError, WrongPinError } from "../../src/mynumber/Errors.js"
import * as Jpki from "../../src/mynumber/jpki/Jpki.js"
import * as Kenhojo from "../../src/mynumber/kenhojo/Kenhojo.js"
import * as Kenkaku from "../../src/mynumber/kenkaku/Kenkaku.js"
import * as MyNumberCard from "../../src/mynumber/MyNumberCard.js"
import { BirthDateKey, VerificationNumberB } from "../../src/mynumber/Pin.js"
import { dataObjectEnd } from "../../src/mynumber/Read.js"
import type { CardTransport } from "../../src/transport/CardTransport.js"

type Sim = ReturnType<typeof SimTransport.make>

const on =
  (sim: Sim) =>
  <A, E>(effect: Effect.Effect<A, E, CardTransport>) =>
    Effect.provide(effect, sim.layer)

/** APDUs `effect` sends, and its result. */
const counted = <A, E>(sim: Sim, effect: Effect.Effect<A, E, CardTransport>) =>
  Effect.gen(function* () {
    sim.resetStats()
    const result = yield* on(sim)(effect)
    return { result, apdus: sim.stats().apdus }
  })

/** Raw RSA: the PKCS#1 v1.5 type-1 payload of a signature, or undefined when the padding is wrong. */
const rsaPayload = (key: { readonly n: bigint; readonly e: bigint }, signature: Uint8Array): Uint8Array | undefined => {
  let s = 0n
  for (const b of signature) s = (s << 8n) | BigInt(b)
  let m = 1n
  let base = s % key.n
  for (let e = key.e; e > 0n; e >>= 1n) {
    if (e & 1n) m = (m * base) % key.n
    base = (base * base) % key.n
  }
  const em = new Uint8Array(signature.length)
  for (let i = em.length - 1; i >= 0; i--) {
    em[i] = Number(m & 0xffn)
    m >>= 8n
  }
  if (em[0] !== 0x00 || em[1] !== 0x01) return undefined
  const zero = em.indexOf(0x00, 2)
  if (zero < 10 || em.subarray(2, zero).some((b) => b !== 0xff)) return undefined
  return em.subarray(zero + 1)
}
const digestInfo = (digest: Uint8Array) => concat(fromHex("3031300D060960864801650304020105000420"), digest)
/** The `90`/`91` public key of a 券面 record as {n, e}. */
const cardKey = (encoded: Uint8Array) => {
  const big = (bytes: Uint8Array) => bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n)
  // 90 03 <e> 91 82 01 00 <n>
  const e = big(encoded.subarray(2, 2 + encoded[1]!))
  const rest = encoded.subarray(2 + encoded[1]!)
  return { e, n: big(rest.subarray(rest.length - 256)) }
}

describe("simulated card: read everything", () => {
  const card = MyNumberSim.make({ seed: 1 })
  const holder = card.holder

  it.effect("kenhojo with the PIN: My Number, basic four, integrity record (signature checks), CVC", () =>
    Effect.gen(function* () {
      const sim = SimTransport.make(card, { extendedLength: false })
      const data = yield* on(sim)(Kenhojo.read({ pin: card.pins.kenhojo }))
      assert.strictEqual(data.myNumber!.myNumber.reveal(), holder.myNumber)
      assert.strictEqual(data.basicInfo!.name, holder.name)
      assert.strictEqual(data.basicInfo!.address, holder.address)
      assert.strictEqual(data.basicInfo!.birthDate.replaceAll("-", ""), holder.birthDate)
      assert.strictEqual<string>(data.basicInfo!.sexCode, holder.sex)
      // The integrity record's digests cover EF0001 as stored and EF0002 from DF22 to the end of FF20.
      const integrity = data.integrityRecord!
      assert.strictEqual(
        toHex(Redacted.value(integrity.myNumberDigest)),
        toHex(sha256(Redacted.value(data.myNumber!.raw)))
      )
      const ef2 = data.basicInfo!.raw
      const end = Result.getOrThrow(dataObjectEnd(ef2))
      assert.strictEqual(
        toHex(integrity.basicInfoDigest),
        toHex(sha256(ef2.subarray(data.basicInfo!.offsets[0]!, end)))
      )
      const signed = Redacted.value(integrity.raw)
      const payload = rsaPayload(card.publicKeys.kenhojoAp, integrity.signature)
      assert.isDefined(payload)
      const df31 = signed.indexOf(0xdf) // FF30 82 01 4B | DF31 ...
      assert.strictEqual(toHex(payload!), toHex(digestInfo(sha256(signed.subarray(df31, df31 + 70)))))
      assert.strictEqual(data.certificate!.body.length, 297)
    })
  )

  it.effect("kenhojo with 照合番号B built by the helper (Japanese era) and with 照合番号A", () =>
    Effect.gen(function* () {
      const sim = SimTransport.make(card)
      const verificationNumberB = yield* VerificationNumberB.build({
        birthDate: { era: "showa", year: 60, month: 4, day: 1 },
        calendar: "japanese",
        expiryYear: holder.expiry.slice(0, 4),
        securityCode: holder.securityCode
      })
      const info = yield* on(sim)(Kenhojo.readBasicInfo({ verificationNumberB }))
      assert.strictEqual(info.name, holder.name)
      const record = yield* on(sim)(Kenhojo.readMyNumber({ verificationNumberA: holder.myNumber }))
      assert.strictEqual(record.myNumber.reveal(), holder.myNumber)
    })
  )

  it.effect("kenkaku: card face with 照合番号B (triple digest checks), My Number image with A, age record", () =>
    Effect.gen(function* () {
      const sim = SimTransport.make(card)
      const verificationNumberB = yield* VerificationNumberB.build({
        birthDate: "1985-04-01",
        calendar: "japanese",
        expiryYear: 2035,
        securityCode: holder.securityCode
      })
      const face = yield* on(sim)(Kenkaku.readCardFace({ verificationNumberB }))
      assert.strictEqual(face.birthDate, "1985-04-01")
      assert.strictEqual(face.expiry.replaceAll("-", ""), holder.expiry)
      assert.strictEqual(toHex(face.photo.subarray(4, 8)), "6A502020")
      const triple = concat(
        fromHex("30 71 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 60"),
        sha256(face.signedParts.birthSexKey),
        sha256(face.signedParts.nameAddress),
        sha256(face.signedParts.photo)
      )
      assert.strictEqual(
        toHex(rsaPayload(card.publicKeys.kenkakuAp, face.signature) ?? new Uint8Array()),
        toHex(triple)
      )
      const image = yield* on(sim)(Kenkaku.readMyNumberImage({ verificationNumberA: holder.myNumber }))
      assert.strictEqual(toHex(Redacted.value(image.image).subarray(0, 4)), "89504E47")
      const birthDateKey = yield* BirthDateKey.build({ birthDate: "1985-04-01", calendar: "japanese" })
      const age = yield* on(sim)(Kenkaku.readAgeRecord({ birthDateKey }))
      assert.strictEqual(age.birthDate, "1985-04-01")
      // Card presence, checked with the card key of the (signature-checked) face record.
      const proof = yield* on(sim)(CardPresence.provePresence())
      assert.strictEqual(
        toHex(rsaPayload(cardKey(face.cardPublicKey), proof.signature) ?? new Uint8Array()),
        toHex(proof.digestInfo)
      )
    })
  )

  it.effect("a card printing the birth date in the Western calendar: 照合番号B in Western YYMMDD", () =>
    Effect.gen(function* () {
      const foreign = MyNumberSim.make({ preset: "foreignResident", seed: 2 })
      const sim = SimTransport.make(foreign)
      const parts = { birthDate: "1990-07-15", expiryYear: 2030, securityCode: foreign.holder.securityCode } as const
      const western = yield* VerificationNumberB.build({ ...parts, calendar: "western" })
      const face = yield* on(sim)(Kenkaku.readCardFace({ verificationNumberB: western }))
      assert.strictEqual(face.birthDate, "1990-07-15")
      assert.strictEqual(foreign.triesLeft("kenkakuB"), 10)
    })
  )

  it.effect("JPKI: token, availability, certificates, both signatures verify with the certificate keys", () =>
    Effect.gen(function* () {
      const sim = SimTransport.make(card, { extendedLength: false })
      const token = yield* on(sim)(Jpki.readTokenInfo())
      assert.deepStrictEqual(token, { label: "JPKIAPICCTOKEN2", kind: "card" })
      const availability = yield* on(sim)(Jpki.readCertificateAvailability())
      assert.isTrue(availability.signing && availability.authentication)
      const certs = yield* on(sim)(Jpki.readCertificates({ signingPassword: card.pins.jpkiSign.toLowerCase() }))
      for (const [kind, fid] of [
        ["authentication", 0x000a],
        ["authenticationCa", 0x000b],
        ["signing", 0x0001],
        ["signingCa", 0x0002]
      ] as const) {
        const stored = card.file("jpki", fid)!
        assert.strictEqual(toHex(certs[kind]!), toHex(stored.subarray(0, certs[kind]!.length)), kind)
        assert.strictEqual(certs[kind]!.length, Result.getOrThrow(dataObjectEnd(stored)), kind)
      }
      const digest = sha256(new TextEncoder().encode("log in"))
      const auth = yield* on(sim)(Jpki.sign({ key: "authentication", pin: card.pins.jpkiAuth }, digest))
      assert.strictEqual(
        toHex(rsaPayload(card.publicKeys.jpkiAuth, auth) ?? new Uint8Array()),
        toHex(digestInfo(digest))
      )
      const signing = yield* on(sim)(Jpki.sign({ key: "signing", password: card.pins.jpkiSign }, digest))
      assert.strictEqual(
        toHex(rsaPayload(card.publicKeys.jpkiSign, signing) ?? new Uint8Array()),
        toHex(digestInfo(digest))
      )
    })
  )

  it.effect("common AP and the retry status of every key", () =>
    Effect.gen(function* () {
      const sim = SimTransport.make(card)
      const info = yield* on(sim)(Common.readCardInfo())
      assert.strictEqual(info.serialNumber, holder.serialNumber)
      assert.strictEqual(info.municipalityCode, holder.municipalityCode)
      assert.strictEqual(info.expiry.replaceAll("-", ""), holder.expiry)
      const status = yield* on(sim)(MyNumberCard.readPinStatus())
      assert.strictEqual(status.length, 10)
      assert.isTrue(status.every((s) => s.state === "available"))
    })
  )

  it.effect("a smartphone JPKI: JPKI works, the 券面 applications are absent", () =>
    Effect.gen(function* () {
      const phone = MyNumberSim.make({ token: "android", seed: 3 })
      const sim = SimTransport.make(phone)
      const token = yield* on(sim)(Jpki.readTokenInfo())
      assert.strictEqual(token.kind, "androidSmartphone")
      const e = yield* Effect.flip(on(sim)(Kenhojo.readMyNumber({ pin: "1234" })))
      assert.strictEqual(e._tag, "NotMyNumberCardError")
      const status = yield* on(sim)(MyNumberCard.readPinStatus())
      assert.deepStrictEqual(
        status.filter((s) => s.state === "absent").map((s) => s.credential.split(".")[0]),
        ["kenhojo", "kenhojo", "kenhojo", "kenkaku", "kenkaku", "kenkaku", "common", "juki"]
      )
    })
  )
})

describe("simulated card: the PIN guard never locks the card", () => {
  const isVerifyWithData = (command: Uint8Array) => command[1] === 0x20 && command.length > 4

  it.effect("driven to the last try by wrong PINs, the guard refuses; the card keeps its last try", () =>
    Effect.gen(function* () {
      const card = MyNumberSim.make({ seed: 4 })
      const sim = SimTransport.make(card)
      const wrong = card.pins.kenhojo === "0000" ? "1111" : "0000"
      const first = yield* Effect.flip(on(sim)(Kenhojo.readBasicInfo({ pin: wrong })))
      assert.instanceOf(first, WrongPinError)
      assert.strictEqual((first as WrongPinError).triesLeft, 2)
      const second = yield* Effect.flip(on(sim)(Kenhojo.readBasicInfo({ pin: wrong })))
      assert.strictEqual((second as WrongPinError).triesLeft, 1)
      assert.strictEqual(card.triesLeft("kenhojoPin"), 1)
      sim.resetStats()
      for (const pin of [wrong, card.pins.kenhojo]) {
        const refused = yield* Effect.flip(on(sim)(Kenhojo.readBasicInfo({ pin })))
        assert.instanceOf(refused, LastTryRefusedError)
      }
      assert.isFalse(sim.log().some((e) => isVerifyWithData(e.command)))
      assert.strictEqual(card.triesLeft("kenhojoPin"), 1)
      // The holder confirms the PIN; the caller opts in for this one call: it is sent once, the counter is reset.
      const info = yield* on(sim)(Kenhojo.readBasicInfo({ pin: card.pins.kenhojo }, { allowLastTry: true }))
      assert.strictEqual(info.name, card.holder.name)
      assert.strictEqual(card.triesLeft("kenhojoPin"), 3)
    })
  )

  it.effect("every credential at its last try: every reader refuses without sending it", () =>
    Effect.gen(function* () {
      const card = MyNumberSim.make({
        seed: 5,
        triesLeft: {
          jpkiAuthPin: 1,
          jpkiSignPassword: 1,
          kenhojoPin: 1,
          kenhojoA: 1,
          kenhojoB: 1,
          kenkakuA: 1,
          kenkakuB: 1,
          kenkakuBirthDate: 1
        }
      })
      const sim = SimTransport.make(card)
      const vnb = yield* VerificationNumberB.build({
        birthDate: "1985-04-01",
        calendar: "japanese",
        expiryYear: 2035,
        securityCode: card.holder.securityCode
      })
      const digest = new Uint8Array(32)
      const attempts: ReadonlyArray<Effect.Effect<unknown, unknown, CardTransport>> = [
        Kenhojo.readMyNumber({ pin: card.pins.kenhojo }),
        Kenhojo.readMyNumber({ verificationNumberA: card.holder.myNumber }),
        Kenhojo.readBasicInfo({ verificationNumberB: vnb }),
        Kenkaku.readCardFace({ verificationNumberB: vnb }),
        Kenkaku.readCardFace({ verificationNumberA: card.holder.myNumber }),
        Kenkaku.readAgeRecord({ birthDateKey: vnb.birthDateKey() }),
        Jpki.sign({ key: "authentication", pin: card.pins.jpkiAuth }, digest),
        Jpki.sign({ key: "signing", password: card.pins.jpkiSign }, digest),
        Jpki.readSigningCertificate({ password: card.pins.jpkiSign })
      ]
      for (const attempt of attempts) assert.instanceOf(yield* Effect.flip(on(sim)(attempt)), LastTryRefusedError)
      assert.isFalse(sim.log().some((e) => isVerifyWithData(e.command)))
    })
  )

  it.effect("a locked key: PinLockedError without a VERIFY", () =>
    Effect.gen(function* () {
      const card = MyNumberSim.make({ seed: 6, triesLeft: { jpkiAuthPin: 0 } })
      const sim = SimTransport.make(card)
      const e = yield* Effect.flip(
        on(sim)(Jpki.sign({ key: "authentication", pin: card.pins.jpkiAuth }, new Uint8Array(32)))
      )
      assert.instanceOf(e, PinLockedError)
      assert.isFalse(sim.log().some((x) => isVerifyWithData(x.command)))
    })
  )
})

describe("simulated card: APDU counts (bench)", () => {
  const card = MyNumberSim.make({ seed: 7 })
  const vnb = VerificationNumberB.build({
    birthDate: "1985-04-01",
    calendar: "japanese",
    expiryYear: 2035,
    securityCode: card.holder.securityCode
  })

  it.effect("mynumber.basic4.apdus: 6 on short and extended links (target ≤ 7)", () =>
    Effect.gen(function* () {
      for (const extendedLength of [false, true]) {
        const r = yield* counted(
          SimTransport.make(card, { extendedLength }),
          Kenhojo.readBasicInfo({ pin: card.pins.kenhojo })
        )
        assert.strictEqual(r.apdus, 6)
      }
    })
  )

  it.effect("mynumber.jpki.sign.apdus: 6 (target ≤ 6)", () =>
    Effect.gen(function* () {
      const r = yield* counted(
        SimTransport.make(card),
        Jpki.sign({ key: "authentication", pin: card.pins.jpkiAuth }, new Uint8Array(32))
      )
      assert.strictEqual(r.apdus, 6)
    })
  )

  it.effect("mynumber.face.apdus.extended = 6; short256 = its minimum (5 + ⌈record / 256⌉)", () =>
    Effect.gen(function* () {
      const verificationNumberB = yield* vnb
      const ext = yield* counted(SimTransport.make(card), Kenkaku.readCardFace({ verificationNumberB }))
      const short = yield* counted(
        SimTransport.make(card, { extendedLength: false }),
        Kenkaku.readCardFace({ verificationNumberB })
      )
      const record = Result.getOrThrow(dataObjectEnd(card.file("kenkaku", 0x0002)!))
      const minimum = 5 + Math.ceil(record / 256)
      assert.strictEqual(ext.apdus, 6)
      assert.strictEqual(short.apdus, minimum)
      // With this card's 5747-byte face record: 6 and 28.
      assert.deepStrictEqual([ext.apdus, short.apdus, record], [6, 28, 5747])
    })
  )
})
