/**
 * My Number card (マイナンバーカード) 券面 applications: card-verifiable certificates (CVC, tag `7F21`), the record
 * signatures of 券面事項入力補助AP (kenhojo) and 券面事項確認AP (kenkaku), and card presence (a fresh challenge signed
 * by the card key of a verified record). shared/reference/mynumber-card.md §7.3–7.6, §8.7, §9.
 *
 * Verification order (§9): the CVC against the J-LIS CA key its 証明者鍵ID names; each record against the CVC's key;
 * then, optionally, a challenge against the card key found in a verified record.
 *
 * All signatures are RSA PKCS#1 v1.5. Records are signed over "the TLVs as written" (tag, length and value of each
 * field, outer template header excluded): the verifier slices the given bytes, it never re-encodes them.
 *
 * @since 0.1.0
 */
import type { MyNumber as CoreMyNumber } from "@jpcard/core"
import { Effect, Redacted } from "effect"
import { VerifyInputError } from "./Errors.js"
import * as Args from "./internal/args.js"
import { concat, equals, fromHex, hex, toHex } from "./internal/bytes.js"
import { ByteCache, PairCache } from "./internal/cache.js"
import {
  canRecover,
  digestSync,
  isSha256DigestInfo,
  isType1Encoding,
  PerBackend,
  pkcs1Type1Payload,
  type RsaPublicKey,
  rsaKeyProblem,
  rsaPublic,
  rsaRecoverPayload,
  rsaVerifyPkcs1
} from "./internal/crypto.js"
import { type VerifyOptions, verifying } from "./internal/run.js"
import * as Tlv from "./internal/tlv.js"
import * as Report from "./Report.js"
import { type CvcKey, type CvcTrust, jlisCvcTrust } from "./Trust.js"

export type { VerifyOptions }

// ---------------------------------------------------------------------------------------------------------------
// Card-verifiable certificates

/** A parsed CVC: `7F21 { 5F4E body, 5F37 signature }`, the body `証明者鍵ID (16) ‖ 被証明者鍵ID (16) ‖ 90 e ‖ 91 n`. */
export interface Cvc {
  /** The `5F4E` value: what the signature covers. */
  readonly body: Uint8Array
  /** The `5F37` value. */
  readonly signature: Uint8Array
  /** 証明者鍵ID: the signer's key ID, 16 bytes as upper-case hex. */
  readonly issuerKeyId: string
  /** 被証明者鍵ID: the certified key's ID. */
  readonly subjectKeyId: string
  /** The certified key (the one that signs the AP's records). */
  readonly publicKey: RsaPublicKey
}

/** Reads a key ID as "5000033/001"-style text when it has the usual shape (7 digits, 08 05, 3 digits). */
const keyIdNames = new Map<string, string>()

export const describeKeyId = (idHex: string): string => {
  const known = keyIdNames.get(idHex)
  if (known !== undefined) return known
  const name = describeKeyIdUncached(idHex)
  if (keyIdNames.size >= 256) keyIdNames.clear()
  keyIdNames.set(idHex, name)
  return name
}

const describeKeyIdUncached = (idHex: string): string => {
  // Total: text that is not hex is described as itself (it threw from `hex`).
  if (typeof idHex !== "string") return "(not a key ID)"
  const bytes = fromHex(idHex)
  if (bytes === undefined) return idHex
  const ascii = (b: Uint8Array) => (b.every((c) => c >= 0x30 && c <= 0x39) ? new TextDecoder().decode(b) : undefined)
  const a = ascii(bytes.subarray(0, 7))
  const b = ascii(bytes.subarray(9, 12))
  return a && b && bytes[7] === 0x08 && bytes[8] === 0x05 ? `${a}/${b}` : idHex
}

const rsaFromTlvs = (bytes: Uint8Array, from: number, to: number): RsaPublicKey => {
  const items = Tlv.children(bytes, from, to)
  const e = Tlv.find(items, 0x90)
  const n = Tlv.find(items, 0x91)
  if (!e || !n) throw new Tlv.TlvError("public key without 90 (exponent) and 91 (modulus)")
  let modulus = Tlv.value(bytes, n)
  while (modulus.length > 1 && modulus[0] === 0) modulus = modulus.subarray(1)
  let exponent = Tlv.value(bytes, e)
  while (exponent.length > 1 && exponent[0] === 0) exponent = exponent.subarray(1)
  if (modulus.length < 64) throw new Tlv.TlvError(`modulus of ${modulus.length} bytes`)
  // The bounds every backend shares (rsaKeyProblem): a record or CVC from the input must not choose the bigint work.
  const problem = rsaKeyProblem(modulus, exponent)
  if (problem !== undefined) throw new Tlv.TlvError(`unusable public key: ${problem}`)
  return { kind: "rsa", n: modulus, e: exponent, bits: (modulus.length - 1) * 8 + (32 - Math.clz32(modulus[0]!)) }
}

/**
 * Parses a CVC, with or without the `7F21` header (GET DATA returns the template's contents). Throws on malformed
 * input (callers turn that into a `malformed` check).
 */
export const parseCvcUnsafe = (bytes: Uint8Array): Cvc => {
  const first = Tlv.readAt(bytes, 0)
  const [from, to] = first.tag === 0x7f21 ? [first.valueStart, first.end] : [0, bytes.length]
  if (first.tag === 0x7f21) {
    const rest = bytes.subarray(first.end)
    if (!rest.every((b) => b === 0xff || b === 0x00)) throw new Tlv.TlvError("data after the 7F21 template")
  }
  const items = Tlv.children(bytes, from, to)
  const bodyTlv = Tlv.find(items, 0x5f4e)
  const sigTlv = Tlv.find(items, 0x5f37)
  if (!bodyTlv || !sigTlv) throw new Tlv.TlvError("a CVC needs 5F4E (body) and 5F37 (signature)")
  const body = Tlv.value(bytes, bodyTlv)
  if (body.length < 32 + 4) throw new Tlv.TlvError(`CVC body of ${body.length} bytes`)
  return {
    body,
    signature: Tlv.value(bytes, sigTlv),
    issuerKeyId: toHex(body.subarray(0, 16)).toUpperCase(),
    subjectKeyId: toHex(body.subarray(16, 32)).toUpperCase(),
    publicKey: rsaFromTlvs(body, 32, body.length)
  }
}

/**
 * Parsed CVCs by content, and signature results per (CVC, key): every card of an application carries the same CVC.
 * Results per backend: a provider's answers are never read back by another backend (see `PerBackend`).
 */
const cvcParses = new ByteCache<Cvc | Error>(64)
const cvcResults = new PerBackend(() => new PairCache<Cvc, CvcKey, boolean>())

const parseCvcCached = (bytes: Uint8Array): Cvc => {
  let parsed = cvcParses.get("", [bytes])
  if (parsed === undefined) {
    try {
      parsed = parseCvcUnsafe(bytes)
    } catch (e) {
      parsed = e instanceof Error ? e : new Error(String(e))
    }
    cvcParses.set("", [bytes], parsed)
  }
  if (parsed instanceof Error) throw parsed
  return parsed
}

const verifyCvcSignature = async (key: CvcKey, cvc: Cvc, options: VerifyOptions): Promise<boolean> => {
  const cache = cvcResults.of(options.backend)
  const cached = cache?.get(cvc, key)
  if (cached !== undefined) return cached
  const ok = await rsaVerifyPkcs1(key.key, "SHA-256", cvc.body, cvc.signature, options.backend)
  cache?.set(cvc, key, ok)
  return ok
}

/** Drops the CVC caches (benchmarks of the cold path). @internal */
export const clearCaches = (): void => {
  cvcParses.clear()
  cvcResults.clear()
}

const cvcCoverage = new WeakMap<Cvc, Report.Covered>()
const cvcCovered = (cvc: Cvc, options: VerifyOptions): Report.Covered => {
  const description = `5F4E body (${cvc.body.length} bytes)`
  if (options.coveredDigests !== true) return { description, length: cvc.body.length }
  let c = cvcCoverage.get(cvc)
  if (c === undefined) {
    c = Report.covered(description, cvc.body, { coveredDigests: true })
    cvcCoverage.set(cvc, c)
  }
  return c
}

type CvcOutcome = {
  readonly check: Report.Check
  readonly cvc: Cvc | undefined
  readonly key: CvcKey | undefined
}

const cvcAlgorithm = "RSASSA-PKCS1-v1_5 SHA-256"

/** Verifies one CVC against the trust store (or against `issuer`, the previous CVC of a chain). */
const checkCvc = async (
  bytes: Uint8Array,
  object: string,
  trust: CvcTrust,
  options: VerifyOptions,
  issuer?: { readonly cvc: Cvc; readonly anchor: Report.AnchorRef | undefined; readonly authentic: boolean }
): Promise<CvcOutcome> => {
  let cvc: Cvc
  try {
    cvc = parseCvcCached(bytes)
  } catch (e) {
    return {
      check: { object, verdict: "malformed", authentic: false, detail: `not a readable CVC: ${(e as Error).message}` },
      cvc: undefined,
      key: undefined
    }
  }
  const base = {
    object,
    algorithm: cvcAlgorithm,
    covered: cvcCovered(cvc, options),
    detail: ""
  }
  const named = `${describeKeyId(cvc.issuerKeyId)} → ${describeKeyId(cvc.subjectKeyId)}`
  if (issuer !== undefined) {
    // Chain step: signed by the previous certificate's key.
    const ok =
      issuer.cvc.subjectKeyId === cvc.issuerKeyId &&
      (await rsaVerifyPkcs1(issuer.cvc.publicKey, "SHA-256", cvc.body, cvc.signature, options.backend))
    return {
      check: {
        ...base,
        verdict: ok ? (issuer.authentic ? "verified" : "untrusted-chain") : "untrusted-chain",
        authentic: ok && issuer.authentic,
        signer: describeKeyId(cvc.issuerKeyId),
        ...(issuer.anchor ? { anchor: issuer.anchor } : {}),
        detail: ok
          ? `${named}, signed by the previous certificate`
          : issuer.cvc.subjectKeyId !== cvc.issuerKeyId
            ? `${named}: the previous certificate certifies ${describeKeyId(issuer.cvc.subjectKeyId)}, not this signer`
            : `${named}: the signature does not verify under the previous certificate's key`
      },
      cvc,
      key: undefined
    }
  }
  const candidates = trust.keys.filter((k) => k.issuerKeyId === undefined || k.issuerKeyId === cvc.issuerKeyId)
  if (candidates.length === 0)
    return {
      check: {
        ...base,
        verdict: "unknown-issuer",
        authentic: false,
        signer: describeKeyId(cvc.issuerKeyId),
        detail: `${named}: no trusted J-LIS CVC key has the ID ${describeKeyId(cvc.issuerKeyId)}`
      },
      cvc,
      key: undefined
    }
  for (const key of candidates) {
    if (!(await verifyCvcSignature(key, cvc, options))) continue
    if (trust.profile !== "custom" && key.profile !== trust.profile)
      return {
        check: {
          ...base,
          verdict: "untrusted-chain",
          authentic: false,
          signer: key.name,
          anchor: key.ref,
          detail: `${named}: signed by the J-LIS ${key.profile} hierarchy (${key.name}); a ${trust.profile} check does not accept it`
        },
        cvc,
        key
      }
    return {
      check: {
        ...base,
        verdict: "verified",
        authentic: true,
        signer: key.name,
        anchor: key.ref,
        detail: `${named}, signed by ${key.name} (${key.describes})`
      },
      cvc,
      key
    }
  }
  return {
    check: {
      ...base,
      verdict: "untrusted-chain",
      authentic: false,
      signer: candidates.map((k) => k.name).join(", "),
      detail: `${named}: the signature does not verify under ${candidates.map((k) => k.name).join(", ")}`
    },
    cvc,
    key: undefined
  }
}

/** The arguments of `verifyCvcChain`, checked when it runs (a server may have mapped them from JSON). */
const cvcChainCall = (cvcs: unknown, trust: unknown): Args.Call => ({
  step: "MyNumber.verifyCvcChain",
  problem: () =>
    Args.elements("cvcs", cvcs, Args.bytes, "an array of CVCs (each bytes, a Uint8Array)") ??
    Args.cvcTrustProblem(trust)
})

/**
 * Verifies a chain of CVCs (e.g. the MF-level `00F8` root certificate, then `7F21`): the first against the trust store,
 * each next one against the key the previous one certifies.
 */
export const verifyCvcChain = (
  cvcs: ReadonlyArray<Uint8Array>,
  trust: CvcTrust = jlisCvcTrust(),
  options: VerifyOptions = {}
): Effect.Effect<Report.Report> =>
  verifying("mynumber-cvc", options, cvcChainCall(cvcs, trust), async (at) => {
    const checks: Array<Report.Check> = []
    let previous: { cvc: Cvc; anchor: Report.AnchorRef | undefined; authentic: boolean } | undefined
    let anchor: Report.AnchorRef | undefined
    for (const [i, bytes] of cvcs.entries()) {
      const outcome = await checkCvc(bytes, `cvc[${i}]`, trust, options, previous)
      checks.push(outcome.check)
      if (outcome.cvc === undefined) break
      if (i === 0) anchor = outcome.key?.ref
      previous = { cvc: outcome.cvc, anchor, authentic: outcome.check.authentic }
    }
    return Report.make("mynumber-cvc", checks, at, anchor)
  })

// ---------------------------------------------------------------------------------------------------------------
// Records

/** A card's own public key, found in a verified record: what card presence is checked against. */
export interface CardKey {
  /** Modulus, big-endian hex. */
  readonly modulus: string
  /** Exponent, big-endian hex. */
  readonly exponent: string
  /** Which record it was taken from, e.g. `kenhojo.EF0007`. */
  readonly from: string
}

/** A kenhojo or kenkaku report; `cardKey` is set only when a record holding it verified up to a trusted CVC key. */
export interface RecordReport extends Report.Report {
  readonly cardKey?: CardKey
}

/** Why the digest of a record that a My Number or a birth date decides is never reported (`Covered.digestWithheld`). */
const guessable = {
  myNumber: "the My Number's file: trying every 12-digit number against its SHA-256 finds the My Number",
  myNumberDigest:
    "DF31 is the SHA-256 of the My Number's file: with DF32 (a digest of the basic information), trying every 12-digit number finds the My Number",
  birthDate: "the birth date next to the card key (in this report): trying every date against the SHA-256 finds it",
  // Reference §7.5: DF41 is a 1-bit 72×12 PNG of the 12 digits, drawn by the issuer from the number alone.
  myNumberImage:
    "the My Number's image (a 72×12 rendering of the 12 digits) next to the card key (in this report): rendering every 12-digit number and hashing it finds the My Number"
} as const

const recordCheck = async (
  object: string,
  signed: Uint8Array,
  signedDescription: string,
  signature: Uint8Array,
  cvc: CvcOutcome,
  options: VerifyOptions,
  withheld?: string
): Promise<Report.Check> => {
  // The digest of the signed bytes, when the report asks for it; a provider that recovers the signature's payload
  // then compares it with this digest instead of hashing the bytes again. Bytes that can be guessed keep it out of
  // the report.
  const recover = canRecover(options)
  const digest = options.coveredDigests === true ? digestSync("SHA-256", signed, options.backend) : undefined
  const base = {
    object,
    algorithm: cvcAlgorithm,
    covered:
      withheld !== undefined
        ? Report.coveredWithheld(signedDescription, signed.length, withheld)
        : digest !== undefined
          ? Report.coveredDigest(signedDescription, signed.length, digest)
          : Report.covered(signedDescription, signed, options),
    ...(cvc.cvc ? { signer: describeKeyId(cvc.cvc.subjectKeyId) } : {}),
    ...(cvc.check.anchor ? { anchor: cvc.check.anchor } : {})
  }
  if (cvc.cvc === undefined)
    return { ...base, verdict: "malformed", authentic: false, detail: "no readable CVC (EF0004) to verify it with" }
  if (signature.length !== cvc.cvc.publicKey.n.length)
    return {
      ...base,
      verdict: "malformed",
      authentic: false,
      detail: `a signature of ${signature.length} bytes cannot come from the CVC's RSA-${cvc.cvc.publicKey.bits} key`
    }
  // With a provider that recovers the payload, the digest just computed for the report is the one checked; anything
  // but an exact DigestInfo match goes through the provider's full verification.
  const payload = recover ? rsaRecoverPayload(cvc.cvc.publicKey, signature, options.backend) : undefined
  const ok =
    (payload !== undefined && digest !== undefined && isSha256DigestInfo(payload, digest)) ||
    (await rsaVerifyPkcs1(cvc.cvc.publicKey, "SHA-256", signed, signature, options.backend))
  if (!ok)
    return {
      ...base,
      verdict: "signature-invalid",
      authentic: false,
      detail: "the signature does not verify under the CVC's key: the record was changed"
    }
  return cvc.check.authentic
    ? { ...base, verdict: "verified", authentic: true, detail: "signed by the key of the verified CVC" }
    : {
        ...base,
        verdict: cvc.check.verdict === "malformed" ? "untrusted-chain" : cvc.check.verdict,
        authentic: false,
        detail: `the signature verifies under the CVC's key, but the CVC is not trusted (${cvc.check.verdict})`
      }
}

const malformed = (object: string, e: unknown): Report.Check => ({
  object,
  verdict: "malformed",
  authentic: false,
  detail: `cannot be read: ${e instanceof Error ? e.message : String(e)}`
})

/** A digest carried in a signed record, compared with the data it names. */
const digestCheck = (
  object: string,
  data: Uint8Array,
  description: string,
  expected: Uint8Array,
  record: Report.Check,
  options: VerifyOptions,
  withheld?: string
): Report.Check => {
  const actual = digestSync("SHA-256", data, options.backend)
  const covered: Report.Covered =
    withheld !== undefined
      ? Report.coveredWithheld(description, data.length, withheld)
      : { description, length: data.length, sha256: toHex(actual) }
  const base = { object, algorithm: "SHA-256 digest in a signed record", covered }
  if (!equals(actual, expected))
    return {
      ...base,
      verdict: "signature-invalid",
      authentic: false,
      detail: `the data does not match the digest signed in ${record.object}: it was changed (or not read whole)`
    }
  return record.authentic
    ? { ...base, verdict: "verified", authentic: true, detail: `matches the digest signed in ${record.object}` }
    : {
        ...base,
        verdict: record.verdict,
        authentic: false,
        detail: `matches the digest in ${record.object}, which did not verify (${record.verdict})`
      }
}

/** The kenkaku records that carry the card key, in file order: the one a report's `cardKey.from` names first. */
const KENKAKU_KEY_ORDER: ReadonlyArray<string> = ["kenkaku.EF0001", "kenkaku.EF0002", "kenkaku.EF0005"]

const cardKeyOf = (bytes: Uint8Array, tlv: Tlv.Tlv, from: string): CardKey => {
  const key = rsaFromTlvs(bytes, tlv.valueStart, tlv.end)
  return { modulus: toHex(key.n), exponent: toHex(key.e), from }
}

/** The files of 券面事項入力補助AP (kenhojo) a verification uses, as read (physical content, `FF` filler allowed). */
export interface KenhojoFiles {
  /** 個人番号: 17 bytes as stored (`FF 10 0C` + 12 digits + `FF FF`); its digest covers the filler. */
  readonly ef0001?: Uint8Array | undefined
  /** 基本4情報. */
  readonly ef0002?: Uint8Array | undefined
  /** Integrity record `FF30 { DF31, DF32, DF33 }`. */
  readonly ef0003: Uint8Array
  /** The AP's CVC. */
  readonly ef0004: Uint8Array
  /** The card's signing key `FF50 { DF51, DF52 }`. */
  readonly ef0007?: Uint8Array | undefined
}

const filesExpected = "an object with the files as read"
const optionalFile = Args.optional(Args.bytes)
/** What the verifications check of their files before reading them (a server may have mapped them from JSON). */
const kenhojoFields = {
  ef0001: optionalFile,
  ef0002: optionalFile,
  ef0003: Args.bytes,
  ef0004: Args.bytes,
  ef0007: optionalFile
}
const kenkakuFields = { ef0001: optionalFile, ef0002: optionalFile, ef0004: Args.bytes, ef0005: optionalFile }

const kenhojoCall = (files: unknown, trust: unknown): Args.Call => ({
  step: "MyNumber.verifyKenhojo",
  problem: () => Args.fields("files", files, kenhojoFields, filesExpected) ?? Args.cvcTrustProblem(trust)
})
const kenkakuCall = (files: unknown, trust: unknown): Args.Call => ({
  step: "MyNumber.verifyKenkaku",
  problem: () => Args.fields("files", files, kenkakuFields, filesExpected) ?? Args.cvcTrustProblem(trust)
})

/**
 * Verifies kenhojo: the CVC (EF0004), the integrity record (EF0003, signature over DF31 ‖ DF32), EF0001 and EF0002
 * against the digests DF31 and DF32, and the card key record (EF0007, signature over DF51).
 */
export const verifyKenhojo = (
  files: KenhojoFiles,
  trust: CvcTrust = jlisCvcTrust(),
  options: VerifyOptions = {}
): Effect.Effect<RecordReport> =>
  verifying("mynumber-kenhojo", options, kenhojoCall(files, trust), async (at): Promise<RecordReport> => {
    const cvc = await checkCvc(files.ef0004, "kenhojo.EF0004", trust, options)
    const checks: Array<Report.Check> = [cvc.check]
    let cardKey: CardKey | undefined

    const integrity = async () => {
      const out: Array<Report.Check> = []
      const bytes = files.ef0003
      let df31: Tlv.Tlv | undefined
      let df32: Tlv.Tlv | undefined
      let record: Report.Check
      try {
        const { items } = Tlv.template(bytes, 0xff30)
        df31 = Tlv.find(items, 0xdf31)
        df32 = Tlv.find(items, 0xdf32)
        const df33 = Tlv.find(items, 0xdf33)
        if (!df31 || !df32 || !df33) throw new Tlv.TlvError("FF30 needs DF31, DF32 and DF33")
        // DF31 ‖ DF32, as they lie in the record when adjacent (the usual layout), else copied together.
        const signed =
          df32.start === df31.end
            ? bytes.subarray(df31.start, df32.end)
            : concat(Tlv.whole(bytes, df31), Tlv.whole(bytes, df32))
        record = await recordCheck(
          "kenhojo.EF0003",
          signed,
          "DF31 TLV ‖ DF32 TLV",
          Tlv.value(bytes, df33),
          cvc,
          options,
          guessable.myNumberDigest
        )
      } catch (e) {
        return [malformed("kenhojo.EF0003", e)]
      }
      out.push(record)
      if (files.ef0001 !== undefined)
        out.push(
          digestCheck(
            "kenhojo.EF0001",
            files.ef0001,
            `EF0001 as stored (${files.ef0001.length} bytes, filler included)`,
            Tlv.value(bytes, df31),
            record,
            options,
            guessable.myNumber
          )
        )
      if (files.ef0002 !== undefined) {
        try {
          const ef = files.ef0002
          const { outer, items } = Tlv.template(ef, 0xff20)
          const df22 = Tlv.find(items, 0xdf22)
          if (!df22) throw new Tlv.TlvError("FF20 without DF22")
          out.push(
            digestCheck(
              "kenhojo.EF0002",
              ef.subarray(df22.start, outer.end),
              "EF0002 from the DF22 TLV to the end of FF20 (DF21 offsets skipped)",
              Tlv.value(bytes, df32),
              record,
              options
            )
          )
        } catch (e) {
          out.push(malformed("kenhojo.EF0002", e))
        }
      }
      return out
    }

    const keyRecord = async (): Promise<Array<Report.Check>> => {
      if (files.ef0007 === undefined) return []
      try {
        const bytes = files.ef0007
        const { items } = Tlv.template(bytes, 0xff50)
        const df51 = Tlv.find(items, 0xdf51)
        const df52 = Tlv.find(items, 0xdf52)
        if (!df51 || !df52) throw new Tlv.TlvError("FF50 needs DF51 and DF52")
        const key = cardKeyOf(bytes, df51, "kenhojo.EF0007")
        const check = await recordCheck(
          "kenhojo.EF0007",
          Tlv.whole(bytes, df51),
          "DF51 TLV (the card's public key)",
          Tlv.value(bytes, df52),
          cvc,
          options
        )
        if (check.authentic) cardKey = key
        return [check]
      } catch (e) {
        return [malformed("kenhojo.EF0007", e)]
      }
    }

    const [a, b] = await Promise.all([integrity(), keyRecord()])
    checks.push(...a, ...b)
    const report = Report.make("mynumber-kenhojo", checks, at, cvc.check.authentic ? cvc.key?.ref : undefined)
    return cardKey ? { ...report, cardKey } : report
  }) as Effect.Effect<RecordReport>

/** The files of 券面事項確認AP (kenkaku) a verification uses, as read. */
export interface KenkakuFiles {
  /** Age record `FF10 { DF11 birth, DF12 card key, DF13 signature }`. */
  readonly ef0001?: Uint8Array | undefined
  /** Card face `FF20 { DF21 … DF2A }`, signed with the triple digest. */
  readonly ef0002?: Uint8Array | undefined
  /** The AP's CVC. */
  readonly ef0004: Uint8Array
  /** My Number image `FF40 { DF41, DF42, DF43 }`. */
  readonly ef0005?: Uint8Array | undefined
}

/** DigestInfo header of the kenkaku triple digest: SHA-256 OID with a 96-byte OCTET STRING (H1 ‖ H2 ‖ H3). */
const TRIPLE_DIGEST_PREFIX = hex("3071300d060960864801650304020105000460")

/**
 * Verifies kenkaku: the CVC (EF0004), the age record (EF0001, over DF11 ‖ DF12), the card face (EF0002, the triple
 * digest: SHA-256(DF22 ‖ DF23 ‖ DF24), SHA-256(DF25 ‖ DF26), SHA-256(DF27) in one DigestInfo) and the My Number
 * image (EF0005, over DF41 ‖ DF42). DF29 (expiry) and DF2A (security code image) are not signed.
 */
export const verifyKenkaku = (
  files: KenkakuFiles,
  trust: CvcTrust = jlisCvcTrust(),
  options: VerifyOptions = {}
): Effect.Effect<RecordReport> =>
  verifying("mynumber-kenkaku", options, kenkakuCall(files, trust), async (at): Promise<RecordReport> => {
    const cvc = await checkCvc(files.ef0004, "kenkaku.EF0004", trust, options)
    const checks: Array<Report.Check> = [cvc.check]
    const keys: Array<{ key: CardKey; check: Report.Check }> = []

    const simpleRecord = async (
      ef: Uint8Array | undefined,
      object: string,
      template: number,
      fields: readonly [number, number],
      keyTag: number,
      signatureTag: number,
      withheld?: string
    ): Promise<Array<Report.Check>> => {
      if (ef === undefined) return []
      try {
        const { items } = Tlv.template(ef, template)
        const a = Tlv.find(items, fields[0])
        const b = Tlv.find(items, fields[1])
        const sig = Tlv.find(items, signatureTag)
        const hexTag = (t: number) => t.toString(16).toUpperCase()
        if (!a || !b || !sig)
          throw new Tlv.TlvError(
            `${hexTag(template)} needs ${fields.map(hexTag).join(", ")} and ${hexTag(signatureTag)}`
          )
        const check = await recordCheck(
          object,
          concat(Tlv.whole(ef, a), Tlv.whole(ef, b)),
          `${hexTag(fields[0])} TLV ‖ ${hexTag(fields[1])} TLV`,
          Tlv.value(ef, sig),
          cvc,
          options,
          withheld
        )
        const keyTlv = Tlv.find(items, keyTag)
        if (keyTlv && check.authentic) keys.push({ key: cardKeyOf(ef, keyTlv, object), check })
        return [check]
      } catch (e) {
        return [malformed(object, e)]
      }
    }

    const face = async (): Promise<Array<Report.Check>> => {
      const ef = files.ef0002
      if (ef === undefined) return []
      const object = "kenkaku.EF0002"
      try {
        const { items } = Tlv.template(ef, 0xff20)
        const get = (tag: number) => {
          const t = Tlv.find(items, tag)
          if (!t) throw new Tlv.TlvError(`FF20 without ${tag.toString(16).toUpperCase()}`)
          return t
        }
        const whole = (...tags: Array<number>) => concat(...tags.map((t) => Tlv.whole(ef, get(t))))
        const part1 = whole(0xdf22, 0xdf23, 0xdf24)
        const part2 = whole(0xdf25, 0xdf26)
        const part3 = whole(0xdf27)
        const signature = Tlv.value(ef, get(0xdf28))
        const payload = concat(
          TRIPLE_DIGEST_PREFIX,
          digestSync("SHA-256", part1),
          digestSync("SHA-256", part2),
          digestSync("SHA-256", part3)
        )
        const covered = Report.covered(
          "SHA-256(DF22 ‖ DF23 ‖ DF24 TLVs) ‖ SHA-256(DF25 ‖ DF26 TLVs) ‖ SHA-256(DF27 TLV), as a DigestInfo",
          concat(part1, part2, part3),
          options
        )
        const base = {
          object,
          algorithm: "RSA PKCS#1 v1.5 type 1, SHA-256 triple digest",
          form: "tripleDigest",
          covered,
          ...(cvc.cvc ? { signer: describeKeyId(cvc.cvc.subjectKeyId) } : {}),
          ...(cvc.check.anchor ? { anchor: cvc.check.anchor } : {})
        }
        let check: Report.Check
        if (cvc.cvc === undefined)
          check = { ...base, verdict: "malformed", authentic: false, detail: "no readable CVC (EF0004)" }
        else if (signature.length !== cvc.cvc.publicKey.n.length)
          check = {
            ...base,
            verdict: "malformed",
            authentic: false,
            detail: `a signature of ${signature.length} bytes cannot come from the CVC's RSA-${cvc.cvc.publicKey.bits} key`
          }
        else {
          const block = rsaPublic(cvc.cvc.publicKey, signature)
          const ok = block !== undefined && isType1Encoding(block, payload)
          check = !ok
            ? {
                ...base,
                verdict: "signature-invalid",
                authentic: false,
                detail:
                  block !== undefined && pkcs1Type1Payload(block) !== undefined
                    ? "the signed triple digest does not match the card face: it was changed"
                    : "the signature does not verify under the CVC's key"
              }
            : cvc.check.authentic
              ? { ...base, verdict: "verified", authentic: true, detail: "signed by the key of the verified CVC" }
              : {
                  ...base,
                  verdict: cvc.check.verdict === "malformed" ? "untrusted-chain" : cvc.check.verdict,
                  authentic: false,
                  detail: `the signature verifies under the CVC's key, but the CVC is not trusted (${cvc.check.verdict})`
                }
        }
        if (check.authentic) keys.push({ key: cardKeyOf(ef, get(0xdf24), object), check })
        return [check]
      } catch (e) {
        return [malformed(object, e)]
      }
    }

    const results = await Promise.all([
      simpleRecord(files.ef0001, "kenkaku.EF0001", 0xff10, [0xdf11, 0xdf12], 0xdf12, 0xdf13, guessable.birthDate),
      face(),
      simpleRecord(files.ef0005, "kenkaku.EF0005", 0xff40, [0xdf41, 0xdf42], 0xdf42, 0xdf43, guessable.myNumberImage)
    ])
    for (const r of results) checks.push(...r)
    // The records run concurrently, so `keys` fills in the order their checks finish (a backend's timing, a cache hit):
    // the card key's `from` is taken in file order instead, so the same input always gives the same report.
    keys.sort((a, b) => KENKAKU_KEY_ORDER.indexOf(a.key.from) - KENKAKU_KEY_ORDER.indexOf(b.key.from))
    // The three records carry the same card key; a disagreement is reported, never resolved silently.
    const distinct = new Set(keys.map((k) => `${k.key.modulus}:${k.key.exponent}`))
    if (distinct.size > 1)
      checks.push({
        object: "kenkaku.cardKey",
        verdict: "signature-invalid",
        authentic: false,
        detail: "the verified records carry different card keys"
      })
    const report = Report.make("mynumber-kenkaku", checks, at, cvc.check.authentic ? cvc.key?.ref : undefined)
    return distinct.size === 1 ? { ...report, cardKey: keys[0]!.key } : report
  }) as Effect.Effect<RecordReport>

// ---------------------------------------------------------------------------------------------------------------
// Card presence

/** A fresh random challenge for `80 2A` (16 bytes by default), from the platform's CSPRNG. */
export const makeChallenge = (length = 16): Uint8Array => {
  const out = new Uint8Array(length)
  globalThis.crypto.getRandomValues(out)
  return out
}

export interface CardPresenceInput {
  /** A kenhojo or kenkaku report: its `cardKey` (set only when its record verified) is the key the card must use. */
  readonly record: RecordReport
  /**
   * What the card signed: the terminal's fresh challenge (at least 8 bytes; never reuse one), or the card's challenge
   * followed by the terminal's nonce (`@jpcard/core`'s presence proof), with `nonce` then given.
   */
  readonly challenge: Uint8Array
  /** The terminal's own fresh nonce, when `challenge` is longer: it must be the end of what was signed. */
  readonly nonce?: Uint8Array
  /** Which application's card key signed; must be the record's. */
  readonly application?: "kenhojo" | "kenkaku"
  /** The card's answer to `80 2A 00 00`. */
  readonly signature: Uint8Array
  /**
   * What the terminal sent as data: `digestInfo` (default) = DigestInfo(SHA-256(challenge)), the usual form, so the
   * answer is a standard SHA-256 RSA signature over the challenge; `raw` = the challenge itself, signed as given.
   */
  readonly sent?: "digestInfo" | "raw"
}

const hexText = (value: unknown) => typeof value === "string" && /^(?:[0-9a-fA-F]{2})+$/.test(value)

/** A kenhojo or kenkaku report, as far as card presence reads it (a server may have kept it as JSON). */
const recordReport: Args.Check = {
  expected: "the report of MyNumber.verifyKenhojo or MyNumber.verifyKenkaku",
  is: (value) =>
    Args.isRecord(value) &&
    (value.kind === "mynumber-kenhojo" || value.kind === "mynumber-kenkaku") &&
    typeof value.verdict === "string" &&
    typeof value.authentic === "boolean" &&
    (value.anchor === undefined || Args.isRecord(value.anchor)) &&
    (value.cardKey === undefined ||
      (Args.isRecord(value.cardKey) &&
        hexText(value.cardKey.modulus) &&
        hexText(value.cardKey.exponent) &&
        typeof value.cardKey.from === "string"))
}

const presenceFields = {
  record: recordReport,
  challenge: Args.bytes,
  nonce: optionalFile,
  application: Args.optional(Args.oneOf(["kenhojo", "kenkaku"], '"kenhojo" or "kenkaku"')),
  signature: Args.bytes,
  sent: Args.optional(Args.oneOf(["digestInfo", "raw"], '"digestInfo" or "raw"'))
}

const presenceCall = (input: unknown): Args.Call => ({
  step: "MyNumber.verifyCardPresence",
  problem: () => Args.fields("input", input, presenceFields)
})

/**
 * Verifies card presence: the card signed the terminal's fresh challenge with the card key of a verified record. A
 * record that did not verify gives `untrusted-chain`: its key could be one an attacker chose.
 */
export const verifyCardPresence = (
  input: CardPresenceInput,
  options: VerifyOptions = {}
): Effect.Effect<Report.Report> =>
  verifying("card-presence", options, presenceCall(input), async (at) => {
    const object = "card.challenge"
    const base = {
      object,
      algorithm: input.sent === "raw" ? "RSA PKCS#1 v1.5 type 1 over the challenge" : "RSASSA-PKCS1-v1_5 SHA-256",
      covered: Report.covered("the terminal's challenge", input.challenge, options),
      ...(input.record.anchor ? { anchor: input.record.anchor } : {})
    }
    const key = input.record.cardKey
    if (key === undefined || !input.record.authentic)
      return Report.make(
        "card-presence",
        [
          {
            ...base,
            verdict: input.record.verdict === "malformed" ? "malformed" : "untrusted-chain",
            authentic: false,
            detail: `no verified card key: the ${input.record.kind} report is ${input.record.verdict}`
          }
        ],
        at
      )
    const fresh = input.nonce ?? input.challenge
    if (fresh.length < 8)
      return Report.make(
        "card-presence",
        [
          {
            ...base,
            verdict: "malformed",
            authentic: false,
            detail: "a challenge must be at least 8 fresh random bytes"
          }
        ],
        at
      )
    if (
      input.nonce !== undefined &&
      (input.challenge.length < input.nonce.length ||
        !equals(input.challenge.subarray(input.challenge.length - input.nonce.length), input.nonce))
    )
      return Report.make(
        "card-presence",
        [
          {
            ...base,
            verdict: "signature-invalid",
            authentic: false,
            detail: "what was signed does not end with this session's nonce"
          }
        ],
        at
      )
    const recordApplication = input.record.kind === "mynumber-kenhojo" ? "kenhojo" : "kenkaku"
    if (input.application !== undefined && input.application !== recordApplication)
      return Report.make(
        "card-presence",
        [
          {
            ...base,
            verdict: "untrusted-chain",
            authentic: false,
            detail: `the ${input.application} key signed, but the verified record is the ${recordApplication} one`
          }
        ],
        at
      )
    const rsa: RsaPublicKey = {
      kind: "rsa",
      n: hex(key.modulus),
      e: hex(key.exponent),
      bits: key.modulus.length * 4
    }
    let ok = false
    if (input.signature.length === rsa.n.length) {
      if (input.sent === "raw") {
        const block = rsaPublic(rsa, input.signature)
        ok = block !== undefined && isType1Encoding(block, input.challenge)
      } else ok = await rsaVerifyPkcs1(rsa, "SHA-256", input.challenge, input.signature, options.backend)
    }
    const check: Report.Check = ok
      ? {
          ...base,
          verdict: "verified",
          authentic: true,
          signer: `card key from ${key.from}`,
          detail: "the card signed the challenge with the key of its verified record"
        }
      : {
          ...base,
          verdict: input.signature.length === rsa.n.length ? "signature-invalid" : "malformed",
          authentic: false,
          signer: `card key from ${key.from}`,
          detail:
            input.signature.length === rsa.n.length
              ? "the answer is not the card key's signature of this challenge (another card, or a replay)"
              : `an answer of ${input.signature.length} bytes cannot come from an RSA-${rsa.bits} key`
        }
    return Report.make("card-presence", [check], at, input.record.anchor)
  })

// ---------------------------------------------------------------------------------------------------------------
// Adapters from the @jpcard/core models

type KenhojoData = CoreMyNumber.Kenhojo.KenhojoData
type KenkakuData = CoreMyNumber.Kenkaku.KenkakuData
type PresenceProof = CoreMyNumber.CardPresence.PresenceProof

const missingFile = (detail: string) => new VerifyInputError({ reason: "MissingFile", detail })
const invalid = (step: string, problem: Args.Problem) =>
  new VerifyInputError({ reason: "InvalidArgument", detail: Args.describe(step, problem) })

const dataExpected = "what @jpcard/core read (an object)"
/** A record of the core model: absent, or an object whose `raw` passes `raw`. */
const recordOf = (raw: Args.Check): Args.Check => ({
  expected: `an object with raw ${raw.expected}, or absent`,
  is: (value) => value === undefined || (Args.isRecord(value) && raw.is(value.raw))
})
const redactedBytes: Args.Check = {
  expected: "bytes wrapped in Redacted (as @jpcard/core returns them)",
  is: (value) => Redacted.isRedacted(value) && Args.isBytes(Redacted.value(value))
}

/**
 * The kenhojo files from what `@jpcard/core` read (EF0001, EF0002, EF0003 as read, the CVC). The core reader does
 * not read EF0007 (the card key); pass it as `ef0007` to check card presence against kenhojo.
 */
export const fromKenhojoData = (
  data: KenhojoData,
  extra: { readonly ef0007?: Uint8Array } = {}
): Effect.Effect<KenhojoFiles, VerifyInputError> =>
  // Suspended and checked: `data.integrityRecord` of a JavaScript caller's `null` threw while the Effect was built.
  Effect.suspend(() => {
    const problem =
      Args.fields(
        "data",
        data,
        {
          myNumber: recordOf(redactedBytes),
          basicInfo: recordOf(Args.bytes),
          integrityRecord: recordOf(redactedBytes),
          certificate: recordOf(Args.bytes)
        },
        dataExpected
      ) ?? Args.fields("extra", extra, { ef0007: optionalFile }, "an object (or absent)")
    if (problem !== undefined) return Effect.fail(invalid("MyNumber.fromKenhojoData", problem))
    return data.integrityRecord === undefined || data.certificate === undefined
      ? Effect.fail(missingFile("kenhojo: the integrity record (EF0003) and the CVC (EF0004) must have been read"))
      : Effect.succeed({
          ef0001: data.myNumber === undefined ? undefined : Redacted.value(data.myNumber.raw),
          ef0002: data.basicInfo?.raw,
          ef0003: Redacted.value(data.integrityRecord.raw),
          ef0004: data.certificate.raw,
          ef0007: extra.ef0007
        })
  })

/** The kenkaku files from what `@jpcard/core` read (age record, card face, My Number image, CVC). */
export const fromKenkakuData = (data: KenkakuData): Effect.Effect<KenkakuFiles, VerifyInputError> =>
  Effect.suspend(() => {
    const problem = Args.fields(
      "data",
      data,
      {
        ageRecord: recordOf(Args.bytes),
        cardFace: recordOf(Args.bytes),
        myNumberImage: recordOf(redactedBytes),
        certificate: recordOf(Args.bytes)
      },
      dataExpected
    )
    if (problem !== undefined) return Effect.fail(invalid("MyNumber.fromKenkakuData", problem))
    return data.certificate === undefined
      ? Effect.fail(missingFile("kenkaku: the CVC (EF0004) must have been read"))
      : Effect.succeed({
          ef0001: data.ageRecord?.raw,
          ef0002: data.cardFace?.raw,
          ef0004: data.certificate.raw,
          ef0005: data.myNumberImage === undefined ? undefined : Redacted.value(data.myNumberImage.raw)
        })
  })

/**
 * Card presence from `@jpcard/core`'s proof (the card's challenge ‖ the terminal's nonce, signed as a SHA-256
 * DigestInfo). `nonce` is the one the terminal chose for this session. Total: a proof that is not an object gives an
 * input without a challenge, which `verifyCardPresence` reports as malformed (this returns no Effect to fail).
 */
export const presenceFromProof = (record: RecordReport, proof: PresenceProof, nonce: Uint8Array): CardPresenceInput => {
  const from = (Args.isRecord(proof) ? proof : {}) as Partial<PresenceProof>
  return {
    record,
    challenge: from.message as Uint8Array,
    nonce,
    signature: from.signature as Uint8Array,
    application: from.application as PresenceProof["application"]
  }
}
