// Valid material from the simulators' test PKIs for every public verify entry point, as "targets": the byte fields
// an entry point takes, how each is covered (for the oracle of `mutate`), and the run itself. Shared by the
// robustness property tests (default backend, and the three backends agreeing).
import { createHash, sign } from "node:crypto"
import { expect } from "@effect/vitest"
import * as SimGen1 from "@jpcard/sim/residence/Gen1Card"
import * as SimGen2 from "@jpcard/sim/residence/Gen2Card"
import { Effect } from "effect"
import fc from "fast-check"
import { Jpki, MyNumber, type Report, Residence, Trust, type VerifyOptions } from "../src/index.js"
import * as D from "./der.js"
import { at, Fixtures, gen1Input, gen2Input, privateKey } from "./helpers.js"
import * as M from "./mynumber-material.js"
import {
  expectConsistent,
  expectErrorPrivate,
  expectReportPrivate,
  type FieldSpec,
  type Mutation,
  mutate,
  mutationArb,
  outcome,
  unused
} from "./robustness-helpers.js"

// ---------------------------------------------------------------------------------------------------------------
// Material

export const residenceTrust = Effect.runSync(
  Trust.customResidenceTrust([Fixtures.residenceGen1TestCaCertDer, Fixtures.residenceGen2TestCaCertDer], {
    label: "jpcard sim"
  })
)
export const cvcTrust = Trust.customCvcTrust([
  { modulus: Fixtures.myNumberCvcCaModulus, exponent: Fixtures.myNumberCvcCaExponent, issuerKeyId: M.testIssuerId }
])
export const jpkiTrust = Effect.runSync(
  Trust.customJpkiTrust([Fixtures.myNumberJpkiAuthCaCertDer, Fixtures.myNumberJpkiSignCaCertDer], {
    label: "jpcard sim"
  })
)

const zeroTail: FieldSpec = { tail: [0] }
const exact: FieldSpec = { tail: [] }
const filler: FieldSpec = { tail: [0x00, 0xff] }

/** Where `part` starts in `bytes`. */
const indexOf = (bytes: Uint8Array, part: Uint8Array): number => {
  const at = Buffer.from(bytes).indexOf(Buffer.from(part))
  if (at < 0) throw new Error("part not found")
  return at
}

// Kenhojo EF0002: the DF21 offsets (between the FF20 header and DF22) are not covered by the DF32 digest.
const kenhojoEf0002Uncovered = (() => {
  const header = M.ef0002[2]! < 0x80 ? 3 : M.ef0002[2] === 0x81 ? 4 : 5
  const signedStart = M.ef0002.length - 3 - M.ef0002Signed(M.ef0002).length
  return [[header, signedStart]] as const
})()

// Kenkaku EF0002: DF21 (offsets), DF29 (expiry) and DF2A (security code image) are not covered by the triple digest.
const kenkakuFace = M.kkEf0002For()
const kenkakuEf0002Uncovered = [
  [5, indexOf(kenkakuFace.ef, kenkakuFace.fields.df22)],
  [indexOf(kenkakuFace.ef, kenkakuFace.fields.df29), kenkakuFace.ef.length]
] as const

// The raw EFs of the simulated residence cards (what a saved read holds).
const sim1 = SimGen1.make()
const sim2 = SimGen2.make()
const gen1Files = { frontImage: sim1.files.df1.ef01, faceImage: sim1.files.df1.ef02, signature: sim1.files.df3.ef01 }
const gen2Files = {
  printedEntries: sim2.files.df1.ef02,
  nameAndFace: sim2.files.df1.ef03,
  signature: sim2.files.df3.ef01
}
/** The end of the data objects of a raw EF (what follows is not read), and the offsets of their headers. */
const tlvLayout = (ef: Uint8Array, count: number) => {
  const headers: Array<readonly [number, number]> = []
  let p = 0
  for (let i = 0; i < count; i++) {
    const lengthBytes = ef[p + 1]! < 0x80 ? 1 : 1 + (ef[p + 1]! & 0x7f)
    const length =
      lengthBytes === 1 ? ef[p + 1]! : [...ef.subarray(p + 2, p + 1 + lengthBytes)].reduce((a, b) => a * 256 + b, 0)
    headers.push([p, p + 1 + lengthBytes])
    p += 1 + lengthBytes + length
  }
  return { end: p, headers }
}
const gen1SigLayout = tlvLayout(gen1Files.signature, 2)
const gen2EntriesLayout = tlvLayout(gen2Files.printedEntries, 10)
const gen2NameFaceLayout = tlvLayout(gen2Files.nameAndFace, 2)
const gen2SigLayout = tlvLayout(gen2Files.signature, 2)

// JPKI: a CRL of the authentication CA that does not list the certificate, valid at `at`.
const authCaKey = D.simKey("mynumber-jpki-auth-ca")
export const crl = D.crl({
  issuer: D.nameOf(Fixtures.myNumberJpkiAuthCaCertDer, "subject"),
  thisUpdate: new Date("2029-12-01T00:00:00Z"),
  nextUpdate: new Date("2030-02-01T00:00:00Z"),
  revoked: [{ serial: Uint8Array.of(0x7e, 0x57, 0x99), date: new Date("2029-11-30T10:00:00Z"), reason: 1 }],
  signer: authCaKey
})
const jpkiData = new TextEncoder().encode("document signed with the JPKI authentication key")
const jpkiAuthKey = privateKey(Fixtures.myNumberJpkiAuthKeyPkcs8Der)
const jpkiSignature = new Uint8Array(sign("sha256", jpkiData, jpkiAuthKey))
const jpkiDigest = new Uint8Array(createHash("sha256").update(jpkiData).digest())

// An MF-style CVC chain.
export const cvcRoot = M.cvc(M.testIssuerId, M.keyId("9000020", "002"), M.kenhojoApKey, M.cvcCaKey)
export const cvcNext = M.cvc(M.keyId("9000020", "002"), M.keyId("9000020", "003"), M.kenkakuApKey, M.kenhojoApKey)

// Card presence against the verified kenhojo record.
const kenhojoRecord = await Effect.runPromise(MyNumber.verifyKenhojo(M.kenhojoFiles, cvcTrust, { at }))

// ---------------------------------------------------------------------------------------------------------------
// Targets: an entry point, its valid byte fields and how each is covered

export interface Target {
  readonly name: string
  readonly fields: Readonly<Record<string, { readonly valid: Uint8Array; readonly spec: FieldSpec }>>
  readonly run: (
    bytes: Readonly<Record<string, Uint8Array>>,
    options: VerifyOptions
  ) => Effect.Effect<Report.Report, { readonly _tag: string; readonly message: string }>
  /** The typed errors the entry point may fail with. */
  readonly typed?: ReadonlyArray<string>
  /** A further check of a report (an input-specific rule). */
  readonly also?: (bytes: Readonly<Record<string, Uint8Array>>, report: Report.Report) => void
  readonly numRuns: number
}

const field = (valid: Uint8Array, spec: FieldSpec) => ({ valid, spec })

export const targets: ReadonlyArray<Target> = [
  ...(["digestInfo", "bareHash"] as const).map(
    (form): Target => ({
      name: `Residence.verifyGen1 (${form})`,
      fields: {
        frontImageValue: field(gen1Input(form).frontImageValue, exact),
        faceImageValue: field(gen1Input(form).faceImageValue, exact),
        checkCode: field(gen1Input(form).checkCode, exact),
        certificate: field(gen1Input(form).certificate, zeroTail)
      },
      run: (b, options) =>
        Residence.verifyGen1(
          {
            frontImageValue: b.frontImageValue!,
            faceImageValue: b.faceImageValue!,
            checkCode: b.checkCode!,
            certificate: b.certificate!
          },
          residenceTrust,
          options
        ),
      numRuns: 120
    })
  ),
  {
    name: "Residence.fromGen1Files + verifyGen1 (raw EFs)",
    fields: {
      // Each ends with its value's zero padding: a zero inserted there moves only zeros out of the data object.
      frontImage: field(gen1Files.frontImage, { tail: [0], ignoredFrom: 7004 }),
      faceImage: field(gen1Files.faceImage, { tail: [0], ignoredFrom: 3004 }),
      // The DB length may shrink into the certificate's zero padding: the certificate read is the same.
      signature: field(gen1Files.signature, {
        tail: [0],
        ignoredFrom: gen1SigLayout.end,
        uncovered: [gen1SigLayout.headers[1]!]
      })
    },
    run: (b, options) =>
      Effect.flatMap(Residence.fromGen1Files(b), (input) => Residence.verifyGen1(input, residenceTrust, options)),
    typed: ["VerifyInputError"],
    numRuns: 120
  },
  ...(["raw", "der"] as const).map(
    (encoding): Target => ({
      name: `Residence.verifyGen2 (${encoding})`,
      fields: {
        printedEntries: field(gen2Input(encoding).printedEntries, zeroTail),
        faceImageValue: field(gen2Input(encoding).faceImageValue, zeroTail),
        nameImageValue: field(gen2Input(encoding).nameImageValue, zeroTail),
        signature: field(gen2Input(encoding).signature, encoding === "raw" ? exact : zeroTail),
        certificate: field(gen2Input(encoding).certificate, zeroTail)
      },
      run: (b, options) =>
        Residence.verifyGen2(
          {
            printedEntries: b.printedEntries!,
            faceImageValue: b.faceImageValue!,
            nameImageValue: b.nameImageValue!,
            signature: b.signature!,
            certificate: b.certificate!
          },
          residenceTrust,
          options
        ),
      numRuns: 60
    })
  ),
  {
    name: "Residence.fromGen2Files + verifyGen2 (raw EFs)",
    fields: {
      // Tags and lengths of the entries are not signed (their values are, in file order, padded to 53 bytes).
      printedEntries: field(gen2Files.printedEntries, {
        tail: [0x00, 0xff],
        uncovered: gen2EntriesLayout.headers,
        lenient: ["extend", "splice"]
      }),
      nameAndFace: field(gen2Files.nameAndFace, {
        tail: [0],
        uncovered: gen2NameFaceLayout.headers,
        ignoredFrom: gen2NameFaceLayout.end
      }),
      signature: field(gen2Files.signature, {
        tail: [0],
        uncovered: [gen2SigLayout.headers[1]!],
        ignoredFrom: gen2SigLayout.end
      })
    },
    run: (b, options) =>
      Effect.flatMap(Residence.fromGen2Files(b), (input) => Residence.verifyGen2(input, residenceTrust, options)),
    typed: ["VerifyInputError"],
    numRuns: 60
  },
  {
    name: "MyNumber.verifyKenhojo",
    fields: {
      ef0001: field(M.kenhojoFiles.ef0001, exact), // its digest covers the FF filler too
      ef0002: field(M.kenhojoFiles.ef0002, { tail: [0x00, 0xff], uncovered: kenhojoEf0002Uncovered }),
      ef0003: field(M.kenhojoFiles.ef0003, filler),
      ef0004: field(M.kenhojoFiles.ef0004, filler),
      ef0007: field(M.kenhojoFiles.ef0007, filler)
    },
    run: (b, options) =>
      MyNumber.verifyKenhojo(
        { ef0001: b.ef0001, ef0002: b.ef0002, ef0003: b.ef0003!, ef0004: b.ef0004!, ef0007: b.ef0007 },
        cvcTrust,
        options
      ),
    numRuns: 150
  },
  {
    name: "MyNumber.verifyKenkaku",
    fields: {
      ef0001: field(M.kenkakuFiles.ef0001, filler),
      ef0002: field(M.kenkakuFiles.ef0002, { tail: [0x00, 0xff], uncovered: kenkakuEf0002Uncovered }),
      ef0004: field(M.kenkakuFiles.ef0004, filler),
      ef0005: field(M.kenkakuFiles.ef0005, filler)
    },
    run: (b, options) =>
      MyNumber.verifyKenkaku(
        { ef0001: b.ef0001, ef0002: b.ef0002, ef0004: b.ef0004!, ef0005: b.ef0005 },
        cvcTrust,
        options
      ),
    numRuns: 120
  },
  {
    name: "MyNumber.verifyCvcChain",
    fields: { root: field(cvcRoot, filler), next: field(cvcNext, filler) },
    run: (b, options) => MyNumber.verifyCvcChain([b.root!, b.next!], cvcTrust, options),
    numRuns: 100
  },
  {
    name: "MyNumber.verifyCardPresence",
    fields: {
      challenge: field(jpkiData.subarray(0, 24), exact),
      signature: field(M.cardSign(M.kenhojoCardKey, jpkiData.subarray(0, 24)), exact),
      // The nonce is checked against the end of what was signed (below), not covered by itself.
      nonce: field(jpkiData.subarray(8, 24), unused)
    },
    run: (b, options) =>
      MyNumber.verifyCardPresence(
        { record: kenhojoRecord, challenge: b.challenge!, nonce: b.nonce!, signature: b.signature! },
        options
      ),
    also: (b, r) => {
      if (r.verdict === "verified") {
        expect(b.nonce!.length).toBeGreaterThanOrEqual(8)
        expect(Buffer.from(b.challenge!.subarray(b.challenge!.length - b.nonce!.length))).toEqual(Buffer.from(b.nonce!))
      }
    },
    numRuns: 80
  },
  {
    name: "Jpki.verifySignature (data, CRL, intermediate)",
    fields: {
      certificate: field(Fixtures.myNumberJpkiAuthCertDer, zeroTail),
      intermediate: field(Fixtures.myNumberJpkiAuthCaCertDer, unused),
      crl: field(crl, zeroTail),
      data: field(jpkiData, exact),
      signature: field(jpkiSignature, exact)
    },
    run: (b, options) =>
      Jpki.verifySignature(
        {
          certificate: b.certificate!,
          intermediates: [b.intermediate!],
          crl: b.crl!,
          data: b.data!,
          signature: b.signature!,
          purpose: "authentication"
        },
        jpkiTrust,
        options
      ),
    typed: ["CrlParseError"],
    numRuns: 80
  },
  {
    name: "Jpki.verifySignature (digest)",
    fields: {
      certificate: field(Fixtures.myNumberJpkiAuthCertDer, zeroTail),
      digest: field(jpkiDigest, exact),
      signature: field(jpkiSignature, exact)
    },
    run: (b, options) =>
      Jpki.verifySignature(
        { certificate: b.certificate!, digest: b.digest!, signature: b.signature! },
        jpkiTrust,
        options
      ),
    typed: ["CrlParseError"],
    numRuns: 60
  },
  {
    name: "Jpki.verifyCertificate (signature certificate, CRL of another issuer)",
    fields: {
      certificate: field(Fixtures.myNumberJpkiSignCertDer, zeroTail),
      intermediate: field(Fixtures.myNumberJpkiSignCaCertDer, unused)
    },
    run: (b, options) =>
      Jpki.verifyCertificate(
        { certificate: b.certificate!, intermediates: [b.intermediate!], purpose: "signature" },
        jpkiTrust,
        options
      ),
    typed: ["CrlParseError"],
    numRuns: 60
  }
]

// ---------------------------------------------------------------------------------------------------------------
// The property

/** One to all fields of a target, each mutated (or not). */
export const mutationsOf = (target: Target) =>
  fc.uniqueArray(fc.tuple(fc.constantFrom(...Object.keys(target.fields)), mutationArb), {
    minLength: 1,
    maxLength: Object.keys(target.fields).length,
    selector: ([name]) => name
  })

export const apply = (target: Target, mutations: ReadonlyArray<readonly [string, Mutation]>) => {
  const bytes: Record<string, Uint8Array> = {}
  for (const [name, f] of Object.entries(target.fields)) bytes[name] = f.valid
  let mayVerify = true
  const described: Array<string> = []
  for (const [name, m] of mutations) {
    const f = target.fields[name]!
    const mutated = mutate(f.valid, m, f.spec)
    bytes[name] = mutated.bytes
    mayVerify &&= mutated.mayVerify
    described.push(`${name}: ${mutated.description}`)
  }
  return { bytes, mayVerify, description: described.join("; ") }
}

/** Runs one mutated input: a report that keeps every invariant, or a typed error; nothing private in either. */
export const check = async (
  target: Target,
  input: ReturnType<typeof apply>,
  options: VerifyOptions
): Promise<Report.Report | undefined> => {
  const where = `${target.name} [${input.description}]`
  const o = await outcome(() => target.run(input.bytes, options), target.typed ?? [])
  if (o._tag === "Failure") {
    expectErrorPrivate(o.error, where)
    return undefined
  }
  const r = o.value
  expectConsistent(r)
  expectReportPrivate(r, where)
  if (!input.mayVerify) {
    expect(r.verdict, `${where}: ${r.summary}`).not.toBe("verified")
    expect(r.authentic, `${where}: ${r.summary}`).toBe(false)
  }
  target.also?.(input.bytes, r)
  return r
}
