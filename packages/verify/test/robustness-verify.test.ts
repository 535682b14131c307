// Robustness of every public verify entry point: valid material from the simulators' test PKIs, mutated field by
// field (byte flips, truncations, extensions, splices, random bytes of any or the same length). Each run must end
// in a report (or one of the entry point's typed errors), never a defect; a report keeps its invariants (the summary
// verdict is the worst check's, `verified` only over verified checks); nothing changed where a signature reaches may
// verify; and no report or error holds the My Number, a card key's bytes or image bytes.
//
// The oracle of what may still verify is `mutate`'s (robustness-helpers.ts): unchanged up to the filler a field may
// carry (zero padding of a certificate or a gen-2 image, FF/00 after a card record's template), or changed only where
// nothing is signed (the kenhojo/kenkaku DF21 offsets, kenkaku DF29/DF2A, bytes after a raw EF's data object). The
// targets (entry points and their material) are in robustness-targets.ts; the backends' agreement on the same
// mutated inputs in robustness-backends.test.ts.
import { createHash, createPublicKey, type KeyObject, randomBytes } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { Effect, FileSystem, Layer, Path } from "effect"
import fc from "fast-check"
import { Crl, Jpki, MyNumber, Residence, Trust, TrustFs, X509 } from "../src/index.js"
import * as D from "./der.js"
import { at, concat, Fixtures, gen1Input, gen2Input, privateKey } from "./helpers.js"
import * as M from "./mynumber-material.js"
import {
  expectConsistent,
  expectErrorPrivate,
  expectReportPrivate,
  mutate,
  mutationArb,
  outcome,
  report,
  runs
} from "./robustness-helpers.js"
import {
  apply,
  check,
  crl,
  cvcNext,
  cvcRoot,
  cvcTrust,
  jpkiTrust,
  mutationsOf,
  residenceTrust,
  targets
} from "./robustness-targets.js"

describe("every entry point, fed mutated valid material (default backend)", () => {
  for (const target of targets)
    it(`${target.name}: a consistent report or a typed error; nothing changed where signed verifies`, async () => {
      // The material itself verifies (the baseline every mutation departs from).
      const baseline = await check(target, apply(target, []), { at })
      expect(baseline?.verdict, baseline?.summary).toBe("verified")
      await fc.assert(
        fc.asyncProperty(mutationsOf(target), fc.boolean(), async (mutations, coveredDigests) => {
          await check(target, apply(target, mutations), { at, coveredDigests })
        }),
        { numRuns: runs(target.numRuns) }
      )
    }, 60_000)
})

describe("random bytes where a file or value is expected", () => {
  it("every entry point with every field replaced by random bytes", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...targets),
        fc.array(fc.uint8Array({ maxLength: 700 }), { minLength: 8, maxLength: 8 }),
        async (target, randoms) => {
          const input = apply(
            target,
            Object.keys(target.fields).map((name, i) => [name, { kind: "replace", bytes: randoms[i]! }] as const)
          )
          const r = await check(target, input, { at })
          if (r !== undefined) expect(r.verdict).not.toBe("verified")
        }
      ),
      { numRuns: runs(150) }
    )
  }, 60_000)

  it("optional files left out, kenhojo and kenkaku: never a card key from a record that is not there", async () => {
    const names = ["ef0001", "ef0002", "ef0007"] as const
    for (const mask of [0, 1, 2, 3, 4, 5, 6, 7]) {
      const files = {
        ...M.kenhojoFiles,
        ...Object.fromEntries(names.filter((_, i) => mask & (1 << i)).map((n) => [n, undefined]))
      }
      const r = await report(() => MyNumber.verifyKenhojo(files, cvcTrust, { at }))
      expectConsistent(r)
      expect(r.verdict).toBe("verified")
      expect(r.cardKey !== undefined).toBe(files.ef0007 !== undefined)
    }
    const kk = ["ef0001", "ef0002", "ef0005"] as const
    for (const mask of [0, 1, 2, 3, 4, 5, 6, 7]) {
      const files = {
        ...M.kenkakuFiles,
        ...Object.fromEntries(kk.filter((_, i) => mask & (1 << i)).map((n) => [n, undefined]))
      }
      const r = await report(() => MyNumber.verifyKenkaku(files, cvcTrust, { at }))
      expectConsistent(r)
      expect(r.verdict).toBe("verified")
      expect(r.cardKey !== undefined).toBe(mask !== 7)
    }
  })

  it("a CVC chain of any length, of random or valid CVCs", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constantFrom(cvcRoot, cvcNext, M.kenhojoCvc), fc.uint8Array({ maxLength: 400 })), {
          maxLength: 5
        }),
        async (cvcs) => {
          const r = await report(() => MyNumber.verifyCvcChain(cvcs, cvcTrust, { at }))
          expectConsistent(r)
          expectReportPrivate(r, "verifyCvcChain")
          const valid = cvcs.length === 2 && cvcs[0] === cvcRoot && cvcs[1] === cvcNext
          const single = cvcs.length === 1 && (cvcs[0] === cvcRoot || cvcs[0] === M.kenhojoCvc)
          if (!valid && !single) expect(r.verdict).not.toBe("verified")
        }
      ),
      { numRuns: runs(100) }
    )
  })
})

describe("card presence against records that did not verify", () => {
  it("a kenhojo record with any file mutated lends its card key only when it verified", async () => {
    const kenhojo = targets.find((t) => t.name === "MyNumber.verifyKenhojo")!
    const challenge = MyNumber.makeChallenge()
    const signature = M.cardSign(M.kenhojoCardKey, challenge)
    await fc.assert(
      fc.asyncProperty(mutationsOf(kenhojo), async (mutations) => {
        const input = apply(kenhojo, mutations)
        const record = (await check(kenhojo, input, { at })) as MyNumber.RecordReport
        const presence = await report(() => MyNumber.verifyCardPresence({ record, challenge, signature }, { at }))
        expectConsistent(presence)
        expectReportPrivate(presence, "verifyCardPresence")
        if (presence.verdict === "verified") expect(record.authentic).toBe(true)
        if (!input.mayVerify) expect(presence.verdict).not.toBe("verified")
      }),
      { numRuns: runs(80) }
    )
  }, 60_000)
})

// ---------------------------------------------------------------------------------------------------------------
// Parsing and trust loading from bytes

const zeroTail = { tail: [0] }
const certificates = [
  Fixtures.residenceGen1TestCaCertDer,
  Fixtures.residenceGen2TestCaCertDer,
  Fixtures.residenceGen1CardCertDer,
  Fixtures.myNumberJpkiAuthCaCertDer,
  Fixtures.myNumberJpkiAuthCertDer
]
const pem = (der: Uint8Array, label = "CERTIFICATE") =>
  new TextEncoder().encode(`-----BEGIN ${label}-----\n${Buffer.from(der).toString("base64")}\n-----END ${label}-----\n`)

/** Certificate-like bytes: a mutated certificate, as DER or PEM, or random bytes or text. */
const certificateBytes = fc.oneof(
  fc.tuple(fc.constantFrom(...certificates), mutationArb, fc.boolean()).map(([der, m, asPem]) => {
    const bytes = mutate(der, m, zeroTail).bytes
    return asPem ? pem(bytes) : bytes
  }),
  fc.uint8Array({ maxLength: 2000 }),
  fc
    .string({ maxLength: 300 })
    .map((s) => new TextEncoder().encode(`-----BEGIN CERTIFICATE-----\n${s}\n-----END CERTIFICATE-----`))
)

describe("parsing and trust loading from bytes", () => {
  it("X509.parse, Trust.recogniseJlisRoot: a certificate or a typed error, never a throw", async () => {
    await fc.assert(
      fc.asyncProperty(certificateBytes, async (bytes) => {
        const o = await outcome(() => X509.parse(bytes), ["CertificateParseError"])
        if (o._tag === "Failure") expectErrorPrivate(o.error, "X509.parse")
        else {
          expect(Number.isNaN(o.value.notBefore.getTime())).toBe(false)
          expect(Number.isNaN(o.value.notAfter.getTime())).toBe(false)
        }
        expect(Trust.recogniseJlisRoot(bytes)).toBeUndefined()
      }),
      { numRuns: runs(300) }
    )
  })

  it("Trust.customResidenceTrust / customJpkiTrust / residenceTrust: a store or an AnchorError", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(certificateBytes, { maxLength: 3 }),
        fc.constantFrom("production", "official-test") as fc.Arbitrary<"production" | "official-test">,
        async (files, profile) => {
          for (const make of [
            () => Trust.customResidenceTrust(files),
            () => Trust.customJpkiTrust(files.map((bytes, i) => ({ name: `ca${i}.crt`, bytes }))),
            () =>
              Trust.residenceTrust(
                files.map((bytes, i) => ({ name: `ca${i}.crt`, bytes })),
                { profile }
              )
          ] as const) {
            const o = await outcome<unknown, { readonly _tag: string; readonly message: string }>(make, ["AnchorError"])
            if (o._tag === "Failure") expectErrorPrivate(o.error, "trust")
          }
          // No file of these is one of the agency's pinned CAs.
          const pinned = await outcome(
            () => Trust.residenceTrust(files.map((bytes) => ({ name: "x.crt", bytes }))),
            ["AnchorError"]
          )
          expect(pinned._tag).toBe("Failure")
        }
      ),
      { numRuns: runs(150) }
    )
  })

  it("a store built from a mutated anchor verifies only under the CA's own key", async () => {
    const ca = Fixtures.residenceGen1TestCaCertDer
    const original = X509.parseSync(ca) as X509.ParsedCertificate
    await fc.assert(
      fc.asyncProperty(mutationArb, async (m) => {
        const bytes = mutate(ca, m, zeroTail).bytes
        const o = await outcome(() => Trust.customResidenceTrust([bytes]), ["AnchorError"])
        if (o._tag === "Failure") return
        const r = await report(() => Residence.verifyGen1(gen1Input(), o.value, { at }))
        expectConsistent(r)
        if (r.authentic) {
          const anchor = o.value.anchors[0]!.certificate
          expect(anchor.publicKey).toEqual(original.publicKey)
          expect(anchor.subjectKey).toBe(original.subjectKey)
        }
      }),
      { numRuns: runs(150) }
    )
  })

  it("deeply nested or very wide BER: a typed error at once (certificates, CRLs, anchors)", async () => {
    const nested = (depth: number) => {
      const out = new Uint8Array(4 * depth)
      for (let i = 0; i < depth; i++) out.set([0x30, 0x80], 2 * i)
      return out
    }
    const wide = (count: number) => {
      const out = new Uint8Array(6 + 2 * count)
      const n = 2 * count
      out.set([0x30, 0x84, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff])
      for (let i = 0; i < count; i++) out[6 + 2 * i] = 0x05
      return out
    }
    for (const bytes of [nested(1000), nested(200_000), wide(200_000)]) {
      const started = performance.now()
      expect((await outcome(() => X509.parse(bytes), ["CertificateParseError"]))._tag).toBe("Failure")
      expect((await outcome(() => Crl.parse(bytes), ["CrlParseError"]))._tag).toBe("Failure")
      expect((await outcome(() => Trust.customJpkiTrust([bytes]), ["AnchorError"]))._tag).toBe("Failure")
      const r = await report(() => Residence.verifyGen1({ ...gen1Input(), certificate: bytes }, residenceTrust, { at }))
      expect(r.verdict).toBe("malformed")
      expect(performance.now() - started).toBeLessThan(2000)
    }
  })

  it("TrustFs: a folder of random files is a store or an AnchorError, never a defect", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc
            .tuple(fc.string({ maxLength: 12 }), fc.constantFrom(".crt", ".cer", ".der", ".pem", ".txt", ""))
            .map(([a, b]) => a + b),
          certificateBytes,
          { maxKeys: 4 }
        ),
        fc.constantFrom("production", "official-test") as fc.Arbitrary<"production" | "official-test">,
        async (files, profile) => {
          const folder = Layer.mergeAll(
            FileSystem.layerNoop({
              readDirectory: () => Effect.succeed(Object.keys(files)),
              readFile: (path) => Effect.succeed(files[path.slice("/ca/".length)] ?? new Uint8Array(0))
            }),
            Path.layer
          )
          const o = await outcome(
            () => TrustFs.residenceTrustFromDirectory("/ca", { profile }).pipe(Effect.provide(folder)),
            ["AnchorError"]
          )
          // None of these is one of the agency's pinned CA files.
          expect(o._tag).toBe("Failure")
          if (o._tag === "Failure") expectErrorPrivate(o.error, "TrustFs")
        }
      ),
      { numRuns: runs(100) }
    )
  })

  it("Crl.parse: a CRL or a CrlParseError, for mutated CRLs, PEM and random bytes", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.tuple(mutationArb, fc.boolean()).map(([m, asPem]) => {
            const bytes = mutate(crl, m, zeroTail).bytes
            return asPem ? pem(bytes, "X509 CRL") : bytes
          }),
          fc.uint8Array({ maxLength: 600 })
        ),
        async (bytes) => {
          const o = await outcome(() => Crl.parse(bytes), ["CrlParseError"])
          if (o._tag === "Failure") expectErrorPrivate(o.error, "Crl.parse")
          else {
            expect(Number.isNaN(o.value.thisUpdate.getTime())).toBe(false)
            for (const entry of o.value.entries.values()) expect(Number.isNaN(entry.revokedAt.getTime())).toBe(false)
          }
        }
      ),
      { numRuns: runs(300) }
    )
  })
})

// ---------------------------------------------------------------------------------------------------------------
// Regressions

describe("inputs that are not bytes at all (JavaScript callers, objects mapped from JSON)", () => {
  const notBytes: ReadonlyArray<unknown> = [undefined, null, "AAEC", 7, [1, 2, 3], {}]

  it("any field of any entry point: a report or a typed error, never a defect", async () => {
    for (const target of targets)
      for (const name of Object.keys(target.fields))
        for (const value of notBytes) {
          const bytes = { ...Object.fromEntries(Object.entries(target.fields).map(([n, f]) => [n, f.valid])) }
          bytes[name] = value as Uint8Array
          const o = await outcome(() => target.run(bytes, { at }), target.typed ?? [])
          if (o._tag === "Success") {
            expectConsistent(o.value)
            // Only a field the verdict does not depend on (an intermediate that is not needed, an optional file
            // left out) may leave the report verified.
            if (o.value.verdict === "verified")
              expect(
                target.fields[name]!.spec.ignoredFrom === 0 || value === undefined,
                `${target.name}.${name} = ${String(value)}`
              ).toBe(true)
          }
        }
  })

  // Regression: the residence verifiers read the signature and certificate before their first await, and a throw
  // there escaped the guard that turns exceptions into a `malformed` report: a defect.
  it("a residence input whose signature or certificate throws when read is a malformed report", async () => {
    const throwingAt = <A extends object>(value: A, key: keyof A): A =>
      Object.defineProperty({ ...value }, key, {
        get: () => {
          throw new Error("the input broke while being read")
        }
      })
    const trust = residenceTrust
    for (const key of ["frontImageValue", "faceImageValue", "checkCode", "certificate"] as const) {
      const r = await report(() => Residence.verifyGen1(throwingAt(gen1Input(), key), trust, { at }))
      expect(r.verdict, key).toBe("malformed")
      expect(r.summary).toContain("the input broke while being read")
    }
    for (const key of ["printedEntries", "faceImageValue", "nameImageValue", "signature", "certificate"] as const) {
      const r = await report(() => Residence.verifyGen2(throwingAt(gen2Input(), key), trust, { at }))
      expect(r.verdict, key).toBe("malformed")
    }
    for (const checkCode of [undefined, null]) {
      const r = await report(() =>
        Residence.verifyGen1({ ...gen1Input(), checkCode: checkCode as unknown as Uint8Array }, trust, { at })
      )
      expect(r.verdict).toBe("malformed")
    }
  })
})

describe("RSA keys the input chooses are bounded (OpenSSL's limits, RFC 8017's exponent)", () => {
  const spki = (n: Uint8Array, e: Uint8Array) =>
    D.seq({}, D.seq({}, D.oid("1.2.840.113549.1.1.1"), D.nul), D.bitString(D.seq({}, D.integer(n), D.integer(e))))
  /** A certificate for an arbitrary RSA key (a KeyObject cannot hold some of these), not needing to chain. */
  const certificateFor = (n: Uint8Array, e: Uint8Array) =>
    D.certificate({
      issuer: D.nameOf(Fixtures.residenceGen1TestCaCertDer, "subject"),
      subject: D.name({}, "jpcard TEST chosen key"),
      publicKey: { export: () => spki(n, e) } as unknown as KeyObject,
      alg: "rsa-sha256",
      signer: D.simKey("residence-gen1-ca"),
      extensions: [D.basicConstraints(false), D.keyUsage([D.KU.digitalSignature])]
    })
  const randomOdd = (length: number) => {
    const b = randomBytes(length)
    b[0] = b[0]! | 0x80
    b[length - 1] = b[length - 1]! | 1
    return Uint8Array.from(b)
  }

  // Regression: a 16384-bit modulus with a 16384-bit exponent kept the main thread busy for 6 s in the check code's
  // bigint path, on the default backend too (a saved read's certificate needs no chain for that). Now the key is
  // refused while the certificate is parsed (the test's time limit is the guard).
  it("a certificate whose key would make the check code cost seconds is malformed, at once", async () => {
    const n = randomOdd(2048)
    const checkCode = Uint8Array.from(randomBytes(2048))
    checkCode[0] = 0x01
    for (const e of [randomOdd(2048), randomOdd(9)]) {
      const certificate = certificateFor(n, e)
      const started = performance.now()
      const r = await report(() =>
        Residence.verifyGen1({ ...gen1Input(), checkCode, certificate }, residenceTrust, { at })
      )
      expect(r.verdict).toBe("malformed")
      expect(r.checks[0]!.detail).toContain("at most 64")
      expect(performance.now() - started).toBeLessThan(2000)
    }
    // An oversized modulus with a small exponent: refused too (beyond what OpenSSL takes).
    const wide = certificateFor(randomOdd(2049), Uint8Array.of(1, 0, 1))
    const r = await report(() => Residence.verifyGen1({ ...gen1Input(), certificate: wide }, residenceTrust, { at }))
    expect(r.verdict).toBe("malformed")
    expect(r.checks[0]!.detail).toContain("at most 16384")
  })

  // Regression: under e = 1 the "signature" is the padded digest itself, which anyone can write; such a key verified.
  it("a key with exponent 1 (or even, or 0) signs nothing", async () => {
    const cardKey = createPublicKey(privateKey(Fixtures.residenceGen1CardKeyPkcs8Der)).export({ format: "jwk" })
    const n = Uint8Array.from(Buffer.from(cardKey.n!, "base64url"))
    const input = gen1Input()
    const payload = concat(
      Uint8Array.from(Buffer.from("3031300d060960864801650304020105000420", "hex")),
      Uint8Array.from(createHash("sha256").update(concat(input.frontImageValue, input.faceImageValue)).digest())
    )
    const block = new Uint8Array(256)
    block[1] = 1
    block.fill(0xff, 2, 256 - payload.length - 1)
    block.set(payload, 256 - payload.length)
    for (const e of [Uint8Array.of(1), Uint8Array.of(2), Uint8Array.of(0), Uint8Array.of(1, 0, 0)]) {
      const r = await report(() =>
        Residence.verifyGen1({ ...input, checkCode: block, certificate: certificateFor(n, e) }, residenceTrust, { at })
      )
      expect(r.verdict).toBe("malformed")
      expect(r.checks[0]!.verdict).toBe("malformed")
    }
  })
})

describe("JPKI path building over caller-supplied intermediates is bounded (regression)", () => {
  const caName = D.name({}, "jpcard TEST cross-signing CA")
  const key = D.rsaKeyPair()
  /** `count` CA certificates that all carry one name and one key: each verifies every other. */
  const ring = (count: number) =>
    Array.from({ length: count }, (_, i) =>
      D.certificate({
        serial: 0x100 + i,
        issuer: caName,
        subject: caName,
        publicKey: key.publicKey,
        alg: "rsa-sha256",
        signer: key.privateKey,
        extensions: [D.basicConstraints(true), D.keyUsage([D.KU.keyCertSign])]
      })
    )
  const leaf = D.certificate({
    issuer: caName,
    subject: D.name({}, "jpcard TEST leaf under the ring"),
    publicKey: key.publicKey,
    alg: "rsa-sha256",
    signer: key.privateKey,
    extensions: [D.basicConstraints(false), D.keyUsage([D.KU.digitalSignature])]
  })

  // Before, the depth-first search tried every ordering of them up to 4 deep: 60 certificates took 11 s.
  it("intermediates that all sign each other: a report at once, not verified", async () => {
    const started = performance.now()
    const r = await report(() =>
      Effect.orDie(Jpki.verifyCertificate({ certificate: leaf, intermediates: ring(60) }, jpkiTrust, { at }))
    )
    expectConsistent(r)
    expect(r.verdict).toBe("untrusted-chain")
    expect(r.checks[0]!.detail).toContain("signature checks")
    expect(performance.now() - started).toBeLessThan(3000)
  }, 20_000)

  it("a real chain through an intermediate still verifies among decoys (unrelated CAs, same-name CAs)", async () => {
    // A root of our own that cross-certifies the simulator's authentication CA key: leaf → that CA → root.
    const rootKey = D.rsaKeyPair()
    const rootName = D.name({}, "jpcard TEST cross-certifying root")
    const root = D.selfSigned(rootName, rootKey, "rsa-sha256", [
      D.basicConstraints(true),
      D.keyUsage([D.KU.keyCertSign, D.KU.cRLSign])
    ])
    const authCaName = D.nameOf(Fixtures.myNumberJpkiAuthCaCertDer, "subject")
    const ca = (publicKey: KeyObject, serial: number) =>
      D.certificate({
        serial,
        issuer: rootName,
        subject: authCaName,
        publicKey,
        alg: "rsa-sha256",
        signer: rootKey.privateKey,
        extensions: [D.basicConstraints(true), D.keyUsage([D.KU.keyCertSign])]
      })
    const crossCertified = ca(D.publicOf(D.simKey("mynumber-jpki-auth-ca")), 0x300)
    const decoys = Array.from({ length: 8 }, (_, i) => ca(key.publicKey, 0x200 + i)) // the name, another key
    const trust = Effect.runSync(Trust.customJpkiTrust([root]))
    const r = await report(() =>
      Effect.orDie(
        Jpki.verifyCertificate(
          { certificate: Fixtures.myNumberJpkiAuthCertDer, intermediates: [...ring(20), ...decoys, crossCertified] },
          trust,
          { at }
        )
      )
    )
    expectConsistent(r)
    expect(r.verdict, r.summary).toBe("verified")
    expect(r.checks.map((c) => c.object)).toContain("jpki.certificate.intermediate[0]")
  })
})
