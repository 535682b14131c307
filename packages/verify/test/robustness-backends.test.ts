// The three backends ("webcrypto", "portable", node:crypto through `nodeCryptoProvider`) and the default, fed the same
// mutated inputs (robustness-targets.ts), give the same report: verdict, authenticity and every check's verdict,
// form and detail. Each report also keeps the robustness invariants (robustness-verify.test.ts checks them at length
// on the default backend). Few runs: the portable backend's P-384 and bigint RSA are slow.
import {
  constants,
  createHash,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  privateEncrypt,
  randomBytes
} from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { nodeCryptoProvider } from "@jpcard/verify/node"
import { p384 } from "@noble/curves/nist.js"
import { Effect } from "effect"
import fc from "fast-check"
import {
  type Backend,
  Caches,
  type CryptoProvider,
  Jpki,
  MyNumber,
  type Report,
  Residence,
  type VerifyOptions
} from "../src/index.js"
import * as D from "./der.js"
import { at, concat, Fixtures, gen1Input, gen2Input, privateKey } from "./helpers.js"
import * as M from "./mynumber-material.js"
import { expectConsistent, expectReportPrivate, runs } from "./robustness-helpers.js"
import { apply, check, cvcTrust, jpkiTrust, mutationsOf, residenceTrust, targets } from "./robustness-targets.js"

const backends: ReadonlyArray<readonly [string, Backend | undefined]> = [
  ["default", undefined],
  ["webcrypto", "webcrypto"],
  ["portable", "portable"],
  ["node:crypto provider", nodeCryptoProvider]
]

/** What every backend must agree on: the verdicts, and why (the details name no backend). */
const outcomeOf = (r: Report.Report | undefined) =>
  r === undefined
    ? "typed error"
    : {
        verdict: r.verdict,
        authentic: r.authentic,
        summary: r.summary,
        checks: r.checks.map((c) => ({
          object: c.object,
          verdict: c.verdict,
          authentic: c.authentic,
          form: c.form,
          covered: c.covered,
          detail: c.detail
        }))
      }

describe("every backend agrees on every mutated input", () => {
  for (const target of targets)
    it(`${target.name}`, async () => {
      await fc.assert(
        fc.asyncProperty(mutationsOf(target), fc.boolean(), async (mutations, coveredDigests) => {
          const input = apply(target, mutations)
          const results: Array<readonly [string, ReturnType<typeof outcomeOf>]> = []
          for (const [name, backend] of backends) {
            const options: VerifyOptions =
              backend === undefined ? { at, coveredDigests } : { at, backend, coveredDigests }
            results.push([name, outcomeOf(await check(target, input, options))])
          }
          for (const [name, result] of results.slice(1))
            expect(result, `${target.name} [${input.description}]: ${name} against ${results[0]![0]}`).toEqual(
              results[0]![1]
            )
        }),
        { numRuns: runs(target.name.includes("Gen2") ? 15 : 25) }
      )
    }, 60_000)
})

// ---------------------------------------------------------------------------------------------------------------
// Crafted signatures: padding and encoding variants no random mutation reaches

const summaryOf = (r: Report.Report) => outcomeOf(r)
/** The same report from every backend; returns it. */
const agreed = async (run: (options: VerifyOptions) => Effect.Effect<Report.Report, unknown>, what: string) => {
  const results: Array<readonly [string, Report.Report]> = []
  for (const [name, backend] of backends)
    for (const coveredDigests of [false, true]) {
      const options: VerifyOptions = backend === undefined ? { at, coveredDigests } : { at, backend, coveredDigests }
      const r = await Effect.runPromise(run(options) as Effect.Effect<Report.Report>)
      expectConsistent(r)
      expectReportPrivate(r, what)
      results.push([`${name}${coveredDigests ? " (coveredDigests)" : ""}`, r])
    }
  const [first, firstReport] = results[0]!
  for (const [name, r] of results.slice(1)) {
    const { checks, ...rest } = summaryOf(r) as Exclude<ReturnType<typeof outcomeOf>, string>
    const { checks: expected, ...expectedRest } = summaryOf(firstReport) as Exclude<
      ReturnType<typeof outcomeOf>,
      string
    >
    expect(rest, `${what}: ${name} against ${first}`).toEqual(expectedRest)
    // Covered digests are there only when asked for (or on digest checks): compare the rest.
    expect(
      checks.map(({ covered: _c, ...c }) => c),
      `${what}: ${name} against ${first}`
    ).toEqual(expected.map(({ covered: _c, ...c }) => c))
  }
  return firstReport
}

/** `00 01 FF… 00 ‖ payload` for a k-byte modulus, with `pad` FF bytes (the rest of the block is the payload). */
const block = (payload: Uint8Array, k = 256, options: { readonly type?: number; readonly separator?: number } = {}) => {
  const out = new Uint8Array(k)
  out[1] = options.type ?? 1
  out.fill(0xff, 2, k - payload.length - 1)
  out[k - payload.length - 1] = options.separator ?? 0
  out.set(payload, k - payload.length)
  return out
}
const rawSign = (key: KeyObject, b: Uint8Array) =>
  new Uint8Array(privateEncrypt({ key, padding: constants.RSA_NO_PADDING }, b))
const sha256Of = (b: Uint8Array) => Uint8Array.from(createHash("sha256").update(b).digest())
const hexBytes = (s: string) => Uint8Array.from(Buffer.from(s, "hex"))
const prefix = hexBytes("3031300d060960864801650304020105000420")

/** PKCS#1 v1.5 blocks around a SHA-256 digest: the two valid forms, then near misses. */
const blocksFor = (digest: Uint8Array) =>
  [
    ["DigestInfo", block(concat(prefix, digest)), true],
    ["bare hash", block(digest), "bareHash"],
    [
      "DigestInfo without NULL parameters",
      block(concat(hexBytes("302f300b06096086480165030402010420"), digest)),
      false
    ],
    [
      "DigestInfo with a BER length",
      block(concat(hexBytes("308131300d060960864801650304020105000420"), digest)),
      false
    ],
    ["DigestInfo and a trailing byte", block(concat(prefix, digest, Uint8Array.of(0))), false],
    [
      "SHA-1 DigestInfo of the SHA-256 digest",
      block(concat(hexBytes("3021300906052b0e03021a05000414"), digest.subarray(0, 20))),
      false
    ],
    ["block type 2", block(concat(prefix, digest), 256, { type: 2 }), false],
    ["no zero separator", block(concat(prefix, digest), 256, { separator: 0xfe }), false],
    [
      "seven FF bytes of padding",
      (() => {
        const payload = concat(prefix, digest)
        const b = new Uint8Array(256)
        b[1] = 1
        b.fill(0xff, 2, 9)
        b[9] = 0
        b.set(payload, 10)
        return b
      })(),
      false
    ]
  ] as const

describe("crafted signatures: every backend agrees, only the valid forms verify", () => {
  it("gen 1 check codes: PKCS#1 v1.5 blocks near the two accepted forms", async () => {
    const input = gen1Input()
    const digest = sha256Of(concat(input.frontImageValue, input.faceImageValue))
    const cardKey = privateKey(Fixtures.residenceGen1CardKeyPkcs8Der)
    for (const [name, b, valid] of blocksFor(digest)) {
      const checkCode = rawSign(cardKey, b)
      const r = await agreed((o) => Residence.verifyGen1({ ...input, checkCode }, residenceTrust, o), `gen 1 ${name}`)
      expect(r.verdict, name).toBe(valid === false ? "signature-invalid" : "verified")
      if (valid !== false) expect(r.checks[0]!.form).toBe(valid === true ? "digestInfo" : "bareHash")
    }
  })

  it("kenhojo EF0003 (a record signature) and card presence (sent raw): the same blocks", async () => {
    const signed = M.ef0003.subarray(5, 75) // DF31 ‖ DF32
    const tlv = M.tlv
    for (const [name, b, valid] of blocksFor(sha256Of(signed))) {
      const ef0003 = concat(tlv(0xff30, concat(signed, tlv(0xdf33, rawSign(M.kenhojoApKey, b)))), Uint8Array.of(0xff))
      const r = await agreed(
        (o) => MyNumber.verifyKenhojo({ ...M.kenhojoFiles, ef0003 }, cvcTrust, o),
        `EF0003 ${name}`
      )
      expect(r.verdict, name).toBe(valid === true ? "verified" : "signature-invalid")
    }
    const record = await Effect.runPromise(MyNumber.verifyKenhojo(M.kenhojoFiles, cvcTrust, { at }))
    const challenge = Uint8Array.from(randomBytes(16))
    for (const [name, b, valid] of [
      ["the challenge", block(challenge), true],
      ["a DigestInfo of it", block(concat(prefix, sha256Of(challenge))), false],
      ["the challenge, type 2", block(challenge, 256, { type: 2 }), false]
    ] as const) {
      const signature = rawSign(M.kenhojoCardKey, b)
      const r = await agreed(
        (o) => MyNumber.verifyCardPresence({ record, challenge, signature, sent: "raw" }, o),
        `presence ${name}`
      )
      expect(r.verdict, name).toBe(valid ? "verified" : "signature-invalid")
    }
  })

  it("gen 2 ECDSA: r and s at and beyond the group order, zero, high S, DER variants", async () => {
    const input = gen2Input("raw")
    const r0 = BigInt(`0x${Buffer.from(input.signature.subarray(0, 48)).toString("hex")}`)
    const s0 = BigInt(`0x${Buffer.from(input.signature.subarray(48)).toString("hex")}`)
    const n = p384.Point.CURVE().n
    const be = (x: bigint, length = 48) => hexBytes(x.toString(16).padStart(2 * length, "0"))
    const raw = (r: bigint, s: bigint) => concat(be(r), be(s))
    const derInt = (x: bigint, extraZeros = 0) => {
      let v: Uint8Array = be(x).subarray(Buffer.from(be(x)).findIndex((b) => b !== 0))
      if (v[0]! & 0x80) v = concat(Uint8Array.of(0), v)
      return D.tlv(0x02, concat(new Uint8Array(extraZeros), v))
    }
    const der = (r: Uint8Array, s: Uint8Array) => D.tlv(0x30, concat(r, s))
    const cases: ReadonlyArray<readonly [string, Uint8Array, boolean]> = [
      ["raw", raw(r0, s0), true],
      ["raw, high S (n − s)", raw(r0, n - s0), true],
      ["raw, r = 0", raw(0n, s0), false],
      ["raw, s = 0", raw(r0, 0n), false],
      ["raw, r = n", raw(n, s0), false],
      ["raw, s = n", raw(r0, n), false],
      ["raw, all FF", new Uint8Array(96).fill(0xff), false],
      ["DER", der(derInt(r0), derInt(s0)), true],
      ["DER, high S", der(derInt(r0), derInt(n - s0)), true],
      ["DER, zero padded in the field", concat(der(derInt(r0), derInt(s0)), new Uint8Array(3)), true],
      ["DER, r with a needless leading zero", der(derInt(r0, 1), derInt(s0)), true],
      ["DER, r negative", der(D.tlv(0x02, concat(Uint8Array.of(0x80), be(r0).subarray(1))), derInt(s0)), false],
      ["DER, r and s swapped", der(derInt(s0), derInt(r0)), false],
      ["DER, three integers", der(concat(derInt(r0), derInt(s0)), derInt(1n)), false],
      ["DER, data after it in the field", concat(der(derInt(r0), derInt(s0)), Uint8Array.of(0, 1)), false],
      ["DER, r = n", der(derInt(n), derInt(s0)), false]
    ]
    for (const [name, signature, valid] of cases) {
      const r = await agreed((o) => Residence.verifyGen2({ ...input, signature }, residenceTrust, o), `gen 2 ${name}`)
      expect(r.verdict === "verified", `${name}: ${r.summary}`).toBe(valid)
    }
  }, 30_000)
})

// ---------------------------------------------------------------------------------------------------------------
// Regressions

describe("a provider's answers are its own (regression: one cache of signature results for every backend)", () => {
  it("a provider that throws leaves the default backend's verdicts alone", async () => {
    // node:crypto refusing an algorithm (FIPS mode refusing SHA-1, say) throws: counted as "does not verify" for that
    // provider. Its results were cached for every backend: afterwards the default backend reported this valid card's
    // certificate, and kenhojo's CVC, as untrusted-chain.
    const throwing: CryptoProvider = {
      ...nodeCryptoProvider,
      rsaVerifyPkcs1: () => {
        throw new Error("refused in this mode")
      }
    }
    Caches.clear()
    const a = await Effect.runPromise(Residence.verifyGen1(gen1Input(), residenceTrust, { at, backend: throwing }))
    expect(a.verdict).not.toBe("verified")
    const k = await Effect.runPromise(MyNumber.verifyKenhojo(M.kenhojoFiles, cvcTrust, { at, backend: throwing }))
    expect(k.verdict).not.toBe("verified")
    expect((await Effect.runPromise(Residence.verifyGen1(gen1Input(), residenceTrust, { at }))).verdict).toBe(
      "verified"
    )
    expect((await Effect.runPromise(MyNumber.verifyKenhojo(M.kenhojoFiles, cvcTrust, { at }))).verdict).toBe("verified")
    // …and nodeCryptoProvider, a different provider, is not affected either.
    const viaNode = await Effect.runPromise(
      Residence.verifyGen1(gen1Input(), residenceTrust, { at, backend: nodeCryptoProvider })
    )
    expect(viaNode.verdict).toBe("verified")
  })

  it("a provider that says yes to everything makes nothing verify on another backend", async () => {
    const { rsaPublicRecover: _recover, ...withoutRecover } = nodeCryptoProvider
    const yes: CryptoProvider = { ...withoutRecover, rsaVerifyPkcs1: () => true }
    // A certificate for the card's key, with the CA's name but signed by another key: a forgery.
    const cardPublic = createPublicKey(privateKey(Fixtures.residenceGen1CardKeyPkcs8Der))
    const forged = D.certificate({
      issuer: D.nameOf(Fixtures.residenceGen1TestCaCertDer, "subject"),
      subject: D.name({}, "jpcard TEST forged signer"),
      publicKey: cardPublic,
      alg: "rsa-sha256",
      signer: D.rsaKeyPair().privateKey,
      extensions: [D.basicConstraints(false), D.keyUsage([D.KU.digitalSignature])]
    })
    const forgedCvc = M.cvc(M.testIssuerId, M.kenhojoSubjectId, M.kenhojoApKey, M.kenkakuApKey)
    Caches.clear()
    const input = { ...gen1Input(), certificate: forged }
    expect((await Effect.runPromise(Residence.verifyGen1(input, residenceTrust, { at, backend: yes }))).verdict).toBe(
      "verified"
    )
    const files = { ...M.kenhojoFiles, ef0004: forgedCvc }
    expect((await Effect.runPromise(MyNumber.verifyKenhojo(files, cvcTrust, { at, backend: yes }))).verdict).toBe(
      "verified"
    )
    for (const [name, backend] of backends.filter(([, b]) => b !== yes)) {
      const options: VerifyOptions = backend === undefined ? { at } : { at, backend }
      const r = await Effect.runPromise(Residence.verifyGen1(input, residenceTrust, options))
      expect(r.verdict, name).toBe("untrusted-chain")
      const kenhojo = await Effect.runPromise(MyNumber.verifyKenhojo(files, cvcTrust, options))
      expect(kenhojo.verdict, name).toBe("untrusted-chain")
    }
  })
})

describe("keys OpenSSL refuses are refused on every backend (regression)", () => {
  it("a CA-issued 4096-bit key with a 4096-bit exponent: malformed everywhere, not verified on portable alone", async () => {
    // Before, the portable backend verified this signature and WebCrypto and node:crypto (OpenSSL: at most a 64-bit
    // exponent above 3072 bits) did not.
    const { privateKey: base } = generateKeyPairSync("rsa", { modulusLength: 4096 })
    const jwk = base.export({ format: "jwk" })
    const big = (s: string) => BigInt(`0x${Buffer.from(s, "base64url").toString("hex")}`)
    const [p, q, n] = [big(jwk.p!), big(jwk.q!), big(jwk.n!)]
    const phi = (p - 1n) * (q - 1n)
    const inverse = (a: bigint, m: bigint): bigint | undefined => {
      let [r0, r1, s0, s1] = [m, a % m, 0n, 1n]
      while (r1 !== 0n) {
        const t = r0 / r1
        ;[r0, r1] = [r1, r0 - t * r1]
        ;[s0, s1] = [s1, s0 - t * s1]
      }
      return r0 === 1n ? ((s0 % m) + m) % m : undefined
    }
    let d = 0n
    let e: bigint | undefined
    do {
      d = BigInt(`0x${randomBytes(64).toString("hex")}`) | 1n
      e = inverse(d, phi)
    } while (e === undefined || e < 2n ** 4000n)
    const modPow = (b: bigint, x: bigint, m: bigint) => {
      let result = 1n
      for (let base = b % m; x > 0n; x >>= 1n, base = (base * base) % m) if (x & 1n) result = (result * base) % m
      return result
    }
    const be = (x: bigint, length: number) => hexBytes(x.toString(16).padStart(2 * length, "0"))
    const data = new TextEncoder().encode("signed under a key OpenSSL refuses")
    const signature = be(
      modPow(BigInt(`0x${Buffer.from(block(concat(prefix, sha256Of(data)), 512)).toString("hex")}`), d, n),
      512
    )
    const spki = D.seq(
      {},
      D.seq({}, D.oid("1.2.840.113549.1.1.1"), D.nul),
      D.bitString(D.seq({}, D.integer(be(n, 512)), D.integer(be(e, 512))))
    )
    const certificate = D.certificate({
      issuer: D.nameOf(Fixtures.myNumberJpkiAuthCaCertDer, "subject"),
      subject: D.name({}, "jpcard TEST huge exponent"),
      publicKey: { export: () => spki } as unknown as KeyObject,
      alg: "rsa-sha256",
      signer: D.simKey("mynumber-jpki-auth-ca"),
      extensions: [D.basicConstraints(false), D.keyUsage([D.KU.digitalSignature])]
    })
    const r = await agreed((o) => Jpki.verifySignature({ certificate, data, signature }, jpkiTrust, o), "huge exponent")
    expect(r.verdict).toBe("malformed")
    expect(r.checks.find((c) => c.object === "jpki.certificate")?.detail).toContain("at most 64")
  }, 30_000)
})
