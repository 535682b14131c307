// My Number card 券面 APs: CVCs against J-LIS-style keys, record signatures (including the kenkaku triple digest),
// card presence. The simulator's test CVC CA stands in for J-LIS through an explicit custom key.
import { createPublicKey, verify } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import { Caches, MyNumber, Report, Trust } from "../src/index.js"
import { at, concat, Fixtures, hex, toHex } from "./helpers.js"
import * as M from "./mynumber-material.js"

const trust = Trust.customCvcTrust([
  {
    modulus: Fixtures.myNumberCvcCaModulus,
    exponent: Fixtures.myNumberCvcCaExponent,
    issuerKeyId: M.testIssuerId,
    name: "sim CVC CA"
  }
])
const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)
const flip = (bytes: Uint8Array, position: number, mask: number) => {
  const out = bytes.slice()
  out[position] = out[position]! ^ mask
  return out
}

describe("card-verifiable certificates", () => {
  it("parses 7F21 and the GET DATA form without the header", () => {
    const cvc = MyNumber.parseCvcUnsafe(M.kenhojoCvc)
    expect(cvc.body.length).toBe(297)
    expect(cvc.signature.length).toBe(256)
    expect(MyNumber.describeKeyId(cvc.issuerKeyId)).toBe("9000033/001")
    expect(MyNumber.describeKeyId(cvc.subjectKeyId)).toBe("9000033/002")
    expect(cvc.publicKey.bits).toBe(2048)
    const bare = MyNumber.parseCvcUnsafe(M.kenhojoCvc.subarray(5))
    expect(bare.issuerKeyId).toBe(cvc.issuerKeyId)
  })

  it("the embedded J-LIS CVC keys are shared/trust/jlis-cvc-ca-keys.json, chosen by 証明者鍵ID", () => {
    const keys = Trust.jlisCvcKeys
    expect(keys.map((k) => `${k.name}:${k.profile}`)).toEqual([
      "5000020:production",
      "5000023:production",
      "5000033:production",
      "6000020:test",
      "6000023:test",
      "6000033:test"
    ])
    for (const k of keys) {
      expect(k.key.bits).toBe(2048)
      expect(MyNumber.describeKeyId(k.issuerKeyId!)).toMatch(/^[56]0000\d\d\/001$/)
    }
    expect(keys.find((k) => k.name === "5000033")?.issuerKeyId).toBe("35303030303333080530303100000000")
  })

  it.effect("a CVC from an unknown 証明者鍵ID is unknown-issuer under the J-LIS keys", () =>
    Effect.gen(function* () {
      const report = yield* MyNumber.verifyKenhojo(M.kenhojoFiles, Trust.jlisCvcTrust(), { at })
      expect(report.verdict).toBe("unknown-issuer")
      expect(report.authentic).toBe(false)
      expect(report.cardKey).toBeUndefined()
      // The records verify under the CVC's key but inherit the CVC's verdict: never verified.
      for (const check of report.checks) expect(check.verdict).not.toBe("verified")
    })
  )

  it.effect("a CVC that names a J-LIS key but is not signed by it is untrusted-chain", () =>
    Effect.gen(function* () {
      const forged = M.cvc(hex("35303030303333080530303100000000"), M.kenhojoSubjectId, M.kenhojoApKey, M.cvcCaKey)
      const report = yield* MyNumber.verifyKenhojo({ ...M.kenhojoFiles, ef0004: forged }, Trust.jlisCvcTrust(), { at })
      expect(report.verdict).toBe("untrusted-chain")
      expect(report.checks[0]!.detail).toContain("5000033")
    })
  )

  it.effect("production and test hierarchies never mix: a test-hierarchy signer is refused in production mode", () =>
    Effect.gen(function* () {
      const sim = (yield* Effect.succeed(trust)).keys[0]!
      // The simulator's key presented as a J-LIS *test* hierarchy key (6000033).
      const testKey = {
        ...sim,
        issuerKeyId: toHex(M.testIssuerId).toUpperCase(),
        profile: "test" as const,
        name: "6000033-like",
        ref: { ...sim.ref, name: "6000033-like", profile: "test" as const, source: "embedded" as const }
      }
      const production: Trust.CvcTrust = { _tag: "CvcTrust", profile: "production", keys: [testKey] }
      const refused = yield* MyNumber.verifyKenhojo(M.kenhojoFiles, production, { at })
      expect(refused.verdict).toBe("untrusted-chain")
      expect(refused.checks[0]!.detail).toContain("test hierarchy")
      const testMode: Trust.CvcTrust = { _tag: "CvcTrust", profile: "test", keys: [testKey] }
      const accepted = yield* MyNumber.verifyKenhojo(M.kenhojoFiles, testMode, { at })
      expect(accepted.verdict).toBe("verified")
      expect(accepted.anchor?.profile).toBe("test")
    })
  )

  it.effect("an MF-style CVC chain: root, then the key it certifies", () =>
    Effect.gen(function* () {
      const root = M.cvc(M.testIssuerId, M.keyId("9000020", "002"), M.kenhojoApKey, M.cvcCaKey)
      const next = M.cvc(M.keyId("9000020", "002"), M.keyId("9000020", "003"), M.kenkakuApKey, M.kenhojoApKey)
      const report = yield* MyNumber.verifyCvcChain([root, next], trust, { at })
      expect(report.verdict, report.summary).toBe("verified")
      const wrongOrder = yield* MyNumber.verifyCvcChain([next, root], trust, { at })
      expect(wrongOrder.verdict).not.toBe("verified")
      const badLink = M.cvc(M.keyId("9000020", "009"), M.keyId("9000020", "003"), M.kenkakuApKey, M.kenhojoApKey)
      expect((yield* MyNumber.verifyCvcChain([root, badLink], trust, { at })).verdict).toBe("untrusted-chain")
    })
  )

  it.effect("malformed CVCs", () =>
    Effect.gen(function* () {
      for (const ef0004 of [
        M.kenhojoCvc.subarray(0, 200),
        new Uint8Array(0),
        hex("7F2100"),
        Fixtures.myNumberNamePng
      ]) {
        const report = yield* MyNumber.verifyKenhojo({ ...M.kenhojoFiles, ef0004 }, trust, { at })
        expect(report.verdict).toBe("malformed")
      }
    })
  )
})

describe("kenhojo (券面事項入力補助AP)", () => {
  it.effect("verifies end to end: CVC, EF0003 over DF31 ‖ DF32, EF0001 and EF0002 digests, EF0007", () =>
    Effect.gen(function* () {
      const report = yield* MyNumber.verifyKenhojo(M.kenhojoFiles, trust, { at })
      expect(report.verdict, report.summary).toBe("verified")
      expect(report.checks.map((c) => `${c.object}:${c.verdict}`)).toEqual([
        "kenhojo.EF0004:verified",
        "kenhojo.EF0003:verified",
        "kenhojo.EF0001:verified",
        "kenhojo.EF0002:verified",
        "kenhojo.EF0007:verified"
      ])
      expect(report.anchor?.profile).toBe("custom")
      expect(report.cardKey?.from).toBe("kenhojo.EF0007")
      expect(report.checks.find((c) => c.object === "kenhojo.EF0001")?.covered?.length).toBe(17)
    })
  )

  it.effect(
    "the card key is the card's own, as hex in the report and its JSON, whatever the caller's buffer does next",
    () =>
      Effect.gen(function* () {
        const jwk = createPublicKey(M.kenhojoCardKey).export({ format: "jwk" })
        const expected = {
          modulus: Buffer.from(jwk.n!, "base64url").toString("hex"),
          exponent: Buffer.from(jwk.e!, "base64url").toString("hex"),
          from: "kenhojo.EF0007"
        }
        const ef0007 = M.ef0007.slice()
        const report = yield* MyNumber.verifyKenhojo({ ...M.kenhojoFiles, ef0007 }, trust, { at })
        expect(report.verdict, report.summary).toBe("verified")
        // A caller reusing its buffer after the verification changes nothing in the report.
        ef0007.fill(0)
        expect(report.cardKey).toEqual(expected)
        expect({ ...report.cardKey }).toEqual(expected)
        expect(JSON.parse(Report.toJson(report)).cardKey).toEqual(expected)
      })
  )

  it.effect("the portable backend agrees", () =>
    Effect.gen(function* () {
      const report = yield* MyNumber.verifyKenhojo(M.kenhojoFiles, trust, { at, backend: "portable" })
      expect(report.verdict, report.summary).toBe("verified")
    })
  )

  it.effect("EF0001 trimmed to its TLV (filler dropped) no longer matches the signed digest", () =>
    Effect.gen(function* () {
      const report = yield* MyNumber.verifyKenhojo({ ...M.kenhojoFiles, ef0001: M.ef0001.subarray(0, 15) }, trust, {
        at
      })
      expect(report.verdict).toBe("signature-invalid")
      expect(report.checks.find((c) => c.object === "kenhojo.EF0001")?.verdict).toBe("signature-invalid")
    })
  )

  it("changing any covered byte fails: EF0001, EF0002 from DF22 on, the signed part of EF0003, EF0007", async () => {
    const signedStart = M.ef0002.length - 3 - M.ef0002Signed(M.ef0002).length // first byte of DF22 (3 FF after)
    const targets = [
      { file: "ef0001", from: 0, to: M.ef0001.length },
      { file: "ef0002", from: signedStart, to: M.ef0002.length - 3 },
      { file: "ef0003", from: 5, to: 5 + 70 }, // DF31 and DF32 TLVs (after FF 30 82 01 4B)
      { file: "ef0003", from: 5 + 70 + 5, to: 5 + 70 + 5 + 256 }, // DF33 signature value
      { file: "ef0007", from: 5, to: 5 + 5 + 265 } // DF51 TLV (after FF 50 82 02 13)
    ] as const
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: targets.length - 1 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 255 }),
        async (t, where, mask) => {
          const target = targets[t]!
          const position = target.from + Math.floor(where * (target.to - target.from))
          const files = { ...M.kenhojoFiles, [target.file]: flip(M.kenhojoFiles[target.file], position, mask) }
          const report = await run(MyNumber.verifyKenhojo(files, trust, { at }))
          expect(report.verdict).not.toBe("verified")
          expect(report.authentic).toBe(false)
        }
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 150) }
    )
  }, 120_000)

  it.effect("DF21 offsets are not covered (the report says which bytes are)", () =>
    Effect.gen(function* () {
      const ef0002 = flip(M.ef0002, 6, 0x01) // inside DF21
      const report = yield* MyNumber.verifyKenhojo({ ...M.kenhojoFiles, ef0002 }, trust, { at })
      expect(report.verdict).toBe("verified")
      expect(report.checks.find((c) => c.object === "kenhojo.EF0002")?.covered?.description).toContain(
        "DF21 offsets skipped"
      )
    })
  )

  it.effect("a record signed by another key is signature-invalid; a missing optional file is simply not checked", () =>
    Effect.gen(function* () {
      const ef0003 = M.ef0003For(M.ef0001, M.ef0002, M.kenkakuApKey)
      const report = yield* MyNumber.verifyKenhojo({ ...M.kenhojoFiles, ef0003 }, trust, { at })
      expect(report.checks.find((c) => c.object === "kenhojo.EF0003")?.verdict).toBe("signature-invalid")
      expect(report.verdict).toBe("signature-invalid")
      const minimal = yield* MyNumber.verifyKenhojo({ ef0003: M.ef0003, ef0004: M.kenhojoCvc }, trust, { at })
      expect(minimal.verdict).toBe("verified")
      expect(minimal.checks.length).toBe(2)
      expect(minimal.cardKey).toBeUndefined()
    })
  )

  it.effect("malformed records are malformed", () =>
    Effect.gen(function* () {
      for (const files of [
        { ...M.kenhojoFiles, ef0003: M.ef0003.subarray(0, 40) },
        { ...M.kenhojoFiles, ef0003: hex("FF3000") },
        { ...M.kenhojoFiles, ef0007: hex("FF50 03 DF5100") },
        { ...M.kenhojoFiles, ef0002: hex("0102") }
      ]) {
        const report = yield* MyNumber.verifyKenhojo(files, trust, { at })
        expect(report.verdict).toBe("malformed")
      }
    })
  )
})

describe("kenkaku (券面事項確認AP)", () => {
  it.effect("the card key's record is named in file order, whichever record's check finishes first", () =>
    Effect.gen(function* () {
      // A backend that answers EF0001's record check (its signed data starts with the DF11 TLV) last: before, the
      // report's cardKey.from was whichever check finished first, so the same files gave different reports.
      const slowFirstRecord = (delayed: boolean) => ({
        name: "test: EF0001 answered last",
        rsaVerifyPkcs1: async (
          key: { readonly n: Uint8Array; readonly e: Uint8Array },
          _hash: string,
          data: Uint8Array,
          signature: Uint8Array
        ) => {
          const jwk = {
            kty: "RSA",
            n: Buffer.from(key.n).toString("base64url"),
            e: Buffer.from(key.e).toString("base64url")
          }
          const ok = verify("sha256", data, createPublicKey({ key: jwk, format: "jwk" }), signature)
          if (delayed && data[0] === 0xdf && data[1] === 0x11) await new Promise((r) => setTimeout(r, 30))
          return ok
        },
        ecdsaVerify: () => false
      })
      const reports = []
      for (const delayed of [false, true]) {
        Caches.clear()
        reports.push(yield* MyNumber.verifyKenkaku(M.kenkakuFiles, trust, { at, backend: slowFirstRecord(delayed) }))
      }
      for (const report of reports) {
        expect(report.verdict, report.summary).toBe("verified")
        expect(report.cardKey?.from).toBe("kenkaku.EF0001")
      }
    })
  )

  it.effect("verifies end to end, including the EF0002 triple digest", () =>
    Effect.gen(function* () {
      const report = yield* MyNumber.verifyKenkaku(M.kenkakuFiles, trust, { at })
      expect(report.verdict, report.summary).toBe("verified")
      expect(report.checks.map((c) => `${c.object}:${c.verdict}`)).toEqual([
        "kenkaku.EF0004:verified",
        "kenkaku.EF0001:verified",
        "kenkaku.EF0002:verified",
        "kenkaku.EF0005:verified"
      ])
      const face = report.checks.find((c) => c.object === "kenkaku.EF0002")!
      expect(face.form).toBe("tripleDigest")
      expect(report.cardKey).toBeDefined()
    })
  )

  it("changing any byte of DF22 … DF28 fails; DF29 and DF2A are not covered", async () => {
    const { ef, fields } = M.kkEf0002For()
    const start = (field: Uint8Array) => {
      for (let i = 0; i + field.length <= ef.length; i++)
        if (ef[i] === field[0] && ef.subarray(i, i + field.length).every((b, j) => b === field[j])) return i
      throw new Error("field not found")
    }
    const coveredFrom = start(fields.df22)
    const coveredTo = start(fields.df28) + fields.df28.length
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: coveredFrom, max: coveredTo - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (p, mask) => {
          const report = await run(
            MyNumber.verifyKenkaku({ ...M.kenkakuFiles, ef0002: flip(ef, p, mask) }, trust, { at })
          )
          expect(report.verdict).not.toBe("verified")
        }
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 150) }
    )
    const uncovered = start(fields.df2a) + 5
    const report = await run(
      MyNumber.verifyKenkaku({ ...M.kenkakuFiles, ef0002: flip(ef, uncovered, 1) }, trust, { at })
    )
    expect(report.verdict).toBe("verified")
  }, 120_000)

  it.effect("a triple digest signed by another key is signature-invalid", () =>
    Effect.gen(function* () {
      const report = yield* MyNumber.verifyKenkaku(
        { ...M.kenkakuFiles, ef0002: M.kkEf0002For(M.kenhojoApKey).ef },
        trust,
        { at }
      )
      expect(report.checks.find((c) => c.object === "kenkaku.EF0002")?.verdict).toBe("signature-invalid")
    })
  )

  it.effect("EF0001 and EF0005 byte changes fail", () =>
    Effect.gen(function* () {
      for (const [file, position] of [
        ["ef0001", 6],
        ["ef0001", 40],
        ["ef0005", 10],
        ["ef0005", M.kkEf0005.length - 1]
      ] as const) {
        const report = yield* MyNumber.verifyKenkaku(
          { ...M.kenkakuFiles, [file]: flip(M.kenkakuFiles[file], position, 4) },
          trust,
          { at }
        )
        expect(report.verdict, `${file}@${position}`).not.toBe("verified")
      }
    })
  )
})

describe("card presence", () => {
  it.effect("a fresh challenge signed by the card key of a verified record", () =>
    Effect.gen(function* () {
      const record = yield* MyNumber.verifyKenhojo(M.kenhojoFiles, trust, { at })
      const challenge = MyNumber.makeChallenge()
      expect(challenge.length).toBe(16)
      const ok = yield* MyNumber.verifyCardPresence(
        { record, challenge, signature: M.cardSign(M.kenhojoCardKey, challenge) },
        { at }
      )
      expect(ok.verdict, ok.summary).toBe("verified")
      expect(ok.kind).toBe("card-presence")
      const raw = yield* MyNumber.verifyCardPresence(
        { record, challenge, signature: M.cardSignRaw(M.kenhojoCardKey, challenge), sent: "raw" },
        { at }
      )
      expect(raw.verdict).toBe("verified")
      const kenkaku = yield* MyNumber.verifyKenkaku(M.kenkakuFiles, trust, { at })
      const viaKenkaku = yield* MyNumber.verifyCardPresence(
        { record: kenkaku, challenge, signature: M.cardSign(M.kenkakuCardKey, challenge) },
        { at }
      )
      expect(viaKenkaku.verdict).toBe("verified")
    })
  )

  it.effect("another challenge (a replay), another card's key, an unverified record, a short challenge", () =>
    Effect.gen(function* () {
      const record = yield* MyNumber.verifyKenhojo(M.kenhojoFiles, trust, { at })
      const challenge = MyNumber.makeChallenge()
      const replay = yield* MyNumber.verifyCardPresence(
        { record, challenge, signature: M.cardSign(M.kenhojoCardKey, MyNumber.makeChallenge()) },
        { at }
      )
      expect(replay.verdict).toBe("signature-invalid")
      const otherCard = yield* MyNumber.verifyCardPresence(
        { record, challenge, signature: M.cardSign(M.kenkakuCardKey, challenge) },
        { at }
      )
      expect(otherCard.verdict).toBe("signature-invalid")
      const untrusted = yield* MyNumber.verifyKenhojo(M.kenhojoFiles, Trust.jlisCvcTrust(), { at })
      const noKey = yield* MyNumber.verifyCardPresence(
        { record: untrusted, challenge, signature: M.cardSign(M.kenhojoCardKey, challenge) },
        { at }
      )
      expect(noKey.verdict).toBe("untrusted-chain")
      const short = yield* MyNumber.verifyCardPresence(
        {
          record,
          challenge: challenge.subarray(0, 4),
          signature: M.cardSign(M.kenhojoCardKey, challenge.subarray(0, 4))
        },
        { at }
      )
      expect(short.verdict).toBe("malformed")
      const wrongLength = yield* MyNumber.verifyCardPresence(
        { record, challenge, signature: concat(M.cardSign(M.kenhojoCardKey, challenge), hex("00")) },
        { at }
      )
      expect(wrongLength.verdict).toBe("malformed")
    })
  )
})
