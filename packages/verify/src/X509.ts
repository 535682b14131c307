/**
 * X.509 certificates, parsed leniently and verified strictly.
 *
 * Parsing goes through asn1js (a BER decoder: it reads non-minimal and indefinite lengths and constructed strings,
 * with warnings instead of errors) and the `@peculiar/asn1-x509` schema, which keeps the to-be-signed bytes exactly
 * as encoded. Card certificates have been reported with zero padding after the DER, BER length forms and NULL
 * parameters in ECDSA algorithm identifiers (shared/reference/residence-card.md §10, §15): each of these is accepted
 * and listed in `quirks`. Tolerance never reaches the signature: a certificate's signature is checked over the exact
 * bytes found, never over a re-encoding.
 *
 * @since 0.1.0
 */

import { ECParameters } from "@peculiar/asn1-ecc"
import { RSAPublicKey } from "@peculiar/asn1-rsa"
import { AsnParser } from "@peculiar/asn1-schema"
import {
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  KeyUsage,
  type Name,
  SubjectKeyIdentifier
} from "@peculiar/asn1-x509"
import * as asn1js from "asn1js"
import { Effect, Schema } from "effect"
import { kindOf } from "./internal/args.js"
import { concat, isAllZero, looksLikePem, pemBlocks, stripLeadingZeros, toHex } from "./internal/bytes.js"
import { ByteCache, PairCache } from "./internal/cache.js"
import {
  type Backend,
  type CurveName,
  curveFieldLength,
  digestSync,
  ecdsaVerify,
  type HashName,
  normaliseEcPoint,
  PerBackend,
  type PublicKey,
  type RsaPublicKey,
  rsaKeyProblem,
  rsaVerifyPkcs1
} from "./internal/crypto.js"
import * as Tlv from "./internal/tlv.js"

export type { PublicKey }

/** How a certificate (or CRL) is signed. */
export type SignatureAlgorithm =
  | { readonly kind: "rsa-pkcs1"; readonly hash: HashName; readonly name: string; readonly oid: string }
  | { readonly kind: "ecdsa"; readonly hash: HashName; readonly name: string; readonly oid: string }
  | { readonly kind: "unsupported"; readonly name: string; readonly oid: string }

export type KeyUsageName =
  | "digitalSignature"
  | "nonRepudiation"
  | "keyEncipherment"
  | "dataEncipherment"
  | "keyAgreement"
  | "keyCertSign"
  | "crlSign"
  | "encipherOnly"
  | "decipherOnly"

/** A parsed certificate. Byte fields are views of the input. */
export interface ParsedCertificate {
  /** The certificate's own bytes: the input up to the end of the outer SEQUENCE (trailing padding cut). */
  readonly der: Uint8Array
  /** SHA-256 of `der`, lower-case hex. */
  readonly sha256: string
  /** The to-be-signed part exactly as encoded: what the issuer's signature covers. */
  readonly tbs: Uint8Array
  readonly version: number
  /** Serial number, lower-case hex of the INTEGER's content bytes. */
  readonly serialNumber: string
  readonly subject: string
  readonly issuer: string
  /** Canonical forms (attribute OIDs and values) used to match an issuer to a subject. */
  readonly subjectKey: string
  readonly issuerKey: string
  /** @internal The issuer Name as decoded, for RFC 5280 §7 comparisons (distribution point names). */
  readonly issuerName: Name
  readonly notBefore: Date
  readonly notAfter: Date
  /** `undefined` when the key algorithm or curve is not supported (the certificate can then sign nothing here). */
  readonly publicKey: PublicKey | undefined
  readonly publicKeyDescription: string
  readonly signatureAlgorithm: SignatureAlgorithm
  /** The signature BIT STRING's content (for ECDSA, a DER Ecdsa-Sig-Value). */
  readonly signatureValue: Uint8Array
  /** `undefined` when the certificate has no keyUsage extension. */
  readonly keyUsage: ReadonlyArray<KeyUsageName> | undefined
  readonly basicConstraints: { readonly ca: boolean; readonly pathLength?: number } | undefined
  readonly subjectKeyId: string | undefined
  readonly authorityKeyId: string | undefined
  /** Critical extensions this library does not process (RFC 5280 §4.2: such a certificate must not be trusted). */
  readonly unknownCriticalExtensions: ReadonlyArray<string>
  /** All extensions: OID, criticality and value bytes. */
  readonly extensions: ReadonlyArray<{ readonly oid: string; readonly critical: boolean; readonly value: Uint8Array }>
  /** Deviations from DER/RFC 5280 that were tolerated while parsing. */
  readonly quirks: ReadonlyArray<string>
}

/** The certificate could not be parsed: not DER/BER, truncated, or not a certificate. */
export class CertificateParseError extends Schema.TaggedError<CertificateParseError>()("CertificateParseError", {
  detail: Schema.String
}) {
  override get message(): string {
    return `not a readable X.509 certificate: ${this.detail}`
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Object identifiers

const signatureAlgorithms: Record<string, { kind: "rsa-pkcs1" | "ecdsa"; hash: HashName; name: string }> = {
  "1.2.840.113549.1.1.5": { kind: "rsa-pkcs1", hash: "SHA-1", name: "sha1WithRSAEncryption" },
  "1.2.840.113549.1.1.11": { kind: "rsa-pkcs1", hash: "SHA-256", name: "sha256WithRSAEncryption" },
  "1.2.840.113549.1.1.12": { kind: "rsa-pkcs1", hash: "SHA-384", name: "sha384WithRSAEncryption" },
  "1.2.840.113549.1.1.13": { kind: "rsa-pkcs1", hash: "SHA-512", name: "sha512WithRSAEncryption" },
  "1.2.840.10045.4.1": { kind: "ecdsa", hash: "SHA-1", name: "ecdsa-with-SHA1" },
  "1.2.840.10045.4.3.2": { kind: "ecdsa", hash: "SHA-256", name: "ecdsa-with-SHA256" },
  "1.2.840.10045.4.3.3": { kind: "ecdsa", hash: "SHA-384", name: "ecdsa-with-SHA384" },
  "1.2.840.10045.4.3.4": { kind: "ecdsa", hash: "SHA-512", name: "ecdsa-with-SHA512" }
}

/** The signature algorithm an OID names. @internal */
export const algorithmFor = (oid: string): SignatureAlgorithm => {
  const known = signatureAlgorithms[oid]
  return known
    ? { ...known, oid }
    : { kind: "unsupported", name: oid === "1.2.840.113549.1.1.10" ? "RSASSA-PSS" : oid, oid }
}

const curves: Record<string, CurveName> = {
  "1.2.840.10045.3.1.7": "P-256",
  "1.3.132.0.34": "P-384",
  "1.3.132.0.35": "P-521"
}

const attributeNames: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.4": "SN",
  "2.5.4.5": "serialNumber",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.9": "street",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.12": "title",
  "2.5.4.42": "GN",
  "1.2.840.113549.1.9.1": "emailAddress",
  "0.9.2342.19200300.100.1.25": "DC"
}

/** Extensions whose meaning this library knows (processed, or harmless to ignore when critical). */
const knownExtensions = new Set([
  "2.5.29.14", // subjectKeyIdentifier
  "2.5.29.15", // keyUsage
  "2.5.29.17", // subjectAltName
  "2.5.29.18", // issuerAltName
  "2.5.29.19", // basicConstraints
  "2.5.29.31", // cRLDistributionPoints
  "2.5.29.32", // certificatePolicies (any policy accepted)
  "2.5.29.35", // authorityKeyIdentifier
  "2.5.29.37", // extKeyUsage
  "2.5.29.54", // inhibitAnyPolicy
  "2.5.29.36", // policyConstraints
  "1.3.6.1.5.5.7.1.1" // authorityInfoAccess
])

const keyUsageOrder: ReadonlyArray<KeyUsageName> = [
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "crlSign",
  "encipherOnly",
  "decipherOnly"
]

// ---------------------------------------------------------------------------------------------------------------
// Parsing

/** @internal */
export const nameString = (name: Name): string =>
  name
    .map((rdn) => rdn.map((atv) => `${attributeNames[atv.type] ?? atv.type}=${atv.value.toString()}`).join("+"))
    .join(", ")

/** @internal */
export const nameKey = (name: Name): string =>
  name.map((rdn) => rdn.map((atv) => `${atv.type}=${atv.value.toString().trim()}`).join("+")).join("/")

/**
 * Walks the asn1js tree: reports non-DER length forms, and refuses a tree whose definite lengths do not add up (asn1js
 * lets a child run past its parent's declared length). @internal
 */
export const berQuirks = (root: asn1js.AsnType): ReadonlyArray<string> | { readonly error: string } => {
  let indefinite = false
  let longLengths = false
  let error: string | undefined
  const visit = (block: unknown, depth: number) => {
    if (error !== undefined || depth > 64 || block === null || typeof block !== "object") return
    const b = block as {
      blockLength?: number
      idBlock?: { blockLength?: number }
      lenBlock?: { isIndefiniteForm?: boolean; warnings?: ReadonlyArray<string>; length?: number; blockLength?: number }
      valueBlock?: { value?: unknown }
    }
    if (b.lenBlock?.isIndefiniteForm) indefinite = true
    else if (
      b.blockLength !== undefined &&
      b.idBlock?.blockLength !== undefined &&
      b.lenBlock?.blockLength !== undefined &&
      b.lenBlock.length !== undefined &&
      b.blockLength !== b.idBlock.blockLength + b.lenBlock.blockLength + b.lenBlock.length
    )
      error = "inconsistent lengths: an element runs past the end of its container"
    if (b.lenBlock?.warnings?.some((w) => /long/i.test(w))) longLengths = true
    const inner = b.valueBlock?.value
    if (Array.isArray(inner)) for (const child of inner) visit(child, depth + 1)
  }
  visit(root, 0)
  if (error !== undefined) return { error }
  const out: Array<string> = []
  if (indefinite) out.push("BER indefinite-length encoding")
  if (longLengths) out.push("BER non-minimal length encoding")
  return out
}

type Block = {
  readonly idBlock?: { readonly tagClass?: number; readonly tagNumber?: number; readonly isConstructed?: boolean }
  readonly valueBlock?: { readonly value?: ReadonlyArray<Block>; readonly unusedBits?: number }
  readonly valueBeforeDecodeView?: Uint8Array
}

/**
 * Checks the unsigned outer layer of a signed object (certificate or CRL): three elements, the signature a BIT
 * STRING with no unused bits, and the outer algorithm identifier byte-identical to the inner one. A string says what
 * is wrong. @internal
 */
export const structure = (root: asn1js.AsnType): true | string => {
  const top = root as unknown as Block
  const items = top.valueBlock?.value
  if (!Array.isArray(items) || items.length !== 3) return "the outer SEQUENCE must hold exactly three elements"
  const [tbs, alg, sig] = items as ReadonlyArray<Block>
  if (sig!.idBlock?.tagClass !== 1 || sig!.idBlock?.tagNumber !== 3) return "the signature is not a BIT STRING"
  if ((sig!.valueBlock?.unusedBits ?? 0) !== 0) return "the signature BIT STRING has unused bits"
  const inner = tbs!.valueBlock?.value
  if (!Array.isArray(inner)) return "the signed part is not a SEQUENCE"
  // The inner algorithm identifier is the first universal SEQUENCE of the signed part (after version and serial).
  const innerAlg = (inner as ReadonlyArray<Block>).find((b) => b.idBlock?.tagClass === 1 && b.idBlock?.tagNumber === 16)
  const a = innerAlg?.valueBeforeDecodeView
  const b = alg!.valueBeforeDecodeView
  if (a === undefined || b === undefined || a.length !== b.length || a.some((x, i) => x !== b[i]))
    return "the outer signature algorithm identifier differs from the signed one"
  return true
}

const parseRsaKey = (spk: Uint8Array): RsaPublicKey | string => {
  const key = AsnParser.parse(spk, RSAPublicKey)
  const n = stripLeadingZeros(new Uint8Array(key.modulus))
  const e = stripLeadingZeros(new Uint8Array(key.publicExponent))
  if (n.length < 64) return `a modulus of ${n.length * 8} bits`
  const problem = rsaKeyProblem(n, e)
  if (problem !== undefined) return problem
  const bits = (n.length - 1) * 8 + (32 - Math.clz32(n[0]!))
  return { kind: "rsa", n, e, bits }
}

const certificateCache = new ByteCache<ParsedCertificate | CertificateParseError>(256)

const parseUncached = (input: Uint8Array): ParsedCertificate | CertificateParseError => {
  const fail = (detail: string) => new CertificateParseError({ detail })
  let bytes = input
  const quirks: Array<string> = []
  if (looksLikePem(bytes)) {
    const blocks = pemBlocks(new TextDecoder().decode(bytes))
    if (blocks.length === 0) return fail("PEM text without a CERTIFICATE block")
    bytes = blocks[0]!
    quirks.push("PEM text")
  }
  if (bytes.length === 0) return fail("empty input")
  if (bytes[0] !== 0x30) return fail(`starts with ${bytes[0]!.toString(16).padStart(2, "0")}, not a SEQUENCE`)
  // asn1js reads views of an ArrayBuffer at an offset: give it a tight copy so offsets are ours.
  const copy = new Uint8Array(bytes)
  const decoded = asn1js.fromBER(copy)
  if (decoded.offset === -1 || decoded.result.error) return fail(decoded.result.error || "BER decoding failed")
  const end = decoded.offset
  if (end < bytes.length) {
    const rest = bytes.subarray(end)
    if (!isAllZero(rest)) return fail(`${rest.length} bytes of data after the certificate`)
    quirks.push(`zero padding after the certificate (${rest.length} bytes)`)
  }
  const ber = berQuirks(decoded.result)
  if ("error" in ber) return fail(ber.error)
  quirks.push(...ber)
  // The outer SEQUENCE is not signed: hold it to exactly { tbs, algorithm, BIT STRING with no unused bits }, and the
  // outer algorithm identifier to the same bytes as the signed inner one (RFC 5280 §4.1.1.2).
  const outer = structure(decoded.result)
  if (typeof outer === "string") return fail(outer)
  let certificate: Certificate
  try {
    certificate = AsnParser.fromASN(decoded.result, Certificate)
  } catch (e) {
    return fail(e instanceof Error ? e.message : "schema mismatch")
  }
  const der = copy.subarray(0, end)
  const tbsRaw = certificate.tbsCertificateRaw
  if (tbsRaw === undefined) return fail("to-be-signed part not found")
  const tbs = new Uint8Array(tbsRaw)
  const tbsCert = certificate.tbsCertificate
  // RFC 5280 §4.1.1.2: the outer and inner algorithm identifiers must agree; a mismatch is a known forgery vector.
  if (tbsCert.signature.algorithm !== certificate.signatureAlgorithm.algorithm)
    return fail("the signature algorithm inside the certificate differs from the outer one")
  const signatureAlgorithm = algorithmFor(certificate.signatureAlgorithm.algorithm)
  if (signatureAlgorithm.kind === "ecdsa" && certificate.signatureAlgorithm.parameters !== undefined)
    quirks.push("NULL parameters in the ECDSA algorithm identifier")

  const spki = tbsCert.subjectPublicKeyInfo
  const spk = new Uint8Array(spki.subjectPublicKey)
  let publicKey: PublicKey | undefined
  let publicKeyDescription: string
  try {
    if (spki.algorithm.algorithm === "1.2.840.113549.1.1.1") {
      const rsa = parseRsaKey(spk)
      publicKey = typeof rsa === "string" ? undefined : rsa
      publicKeyDescription = typeof rsa === "string" ? `RSA (unusable key: ${rsa})` : `RSA-${rsa.bits}`
    } else if (spki.algorithm.algorithm === "1.2.840.10045.2.1") {
      const params = spki.algorithm.parameters
      const curveOid = params ? AsnParser.parse(params, ECParameters).namedCurve : undefined
      const curve = curveOid ? curves[curveOid] : undefined
      const point = curve ? normaliseEcPoint(curve, spk) : undefined
      if (curve && point) {
        publicKey = { kind: "ec", curve, point }
        publicKeyDescription = `EC ${curve}`
      } else
        publicKeyDescription = curve ? `EC ${curve} (point not on the curve)` : `EC ${curveOid ?? "(no named curve)"}`
    } else publicKeyDescription = spki.algorithm.algorithm
  } catch (e) {
    return fail(`public key: ${e instanceof Error ? e.message : "unreadable"}`)
  }

  let keyUsage: Array<KeyUsageName> | undefined
  let basicConstraints: ParsedCertificate["basicConstraints"]
  let subjectKeyId: string | undefined
  let authorityKeyId: string | undefined
  const unknownCriticalExtensions: Array<string> = []
  const extensions: Array<{ oid: string; critical: boolean; value: Uint8Array }> = []
  const seen = new Set<string>()
  for (const ext of tbsCert.extensions ?? []) {
    const value = new Uint8Array(ext.extnValue.buffer)
    if (seen.has(ext.extnID)) return fail(`extension ${ext.extnID} appears twice`)
    seen.add(ext.extnID)
    extensions.push({ oid: ext.extnID, critical: ext.critical, value })
    try {
      switch (ext.extnID) {
        case "2.5.29.15": {
          const flags = AsnParser.parse(value, KeyUsage).toNumber()
          keyUsage = keyUsageOrder.filter((_, i) => (flags & (1 << i)) !== 0)
          break
        }
        case "2.5.29.19": {
          const bc = AsnParser.parse(value, BasicConstraints)
          basicConstraints = {
            ca: bc.cA,
            ...(bc.pathLenConstraint !== undefined ? { pathLength: bc.pathLenConstraint } : {})
          }
          break
        }
        case "2.5.29.14":
          subjectKeyId = toHex(new Uint8Array(AsnParser.parse(value, SubjectKeyIdentifier).buffer))
          break
        case "2.5.29.35": {
          const aki = AsnParser.parse(value, AuthorityKeyIdentifier)
          if (aki.keyIdentifier) authorityKeyId = toHex(new Uint8Array(aki.keyIdentifier.buffer))
          break
        }
      }
    } catch (e) {
      return fail(`extension ${ext.extnID}: ${e instanceof Error ? e.message : "unreadable"}`)
    }
    if (ext.critical && !knownExtensions.has(ext.extnID)) unknownCriticalExtensions.push(ext.extnID)
  }

  return {
    der,
    sha256: toHex(digestSync("SHA-256", der)),
    tbs,
    version: tbsCert.version + 1,
    serialNumber: toHex(new Uint8Array(tbsCert.serialNumber)),
    subject: nameString(tbsCert.subject),
    issuer: nameString(tbsCert.issuer),
    subjectKey: nameKey(tbsCert.subject),
    issuerKey: nameKey(tbsCert.issuer),
    issuerName: tbsCert.issuer,
    notBefore: tbsCert.validity.notBefore.getTime(),
    notAfter: tbsCert.validity.notAfter.getTime(),
    publicKey,
    publicKeyDescription,
    signatureAlgorithm,
    signatureValue: new Uint8Array(certificate.signatureValue),
    keyUsage,
    basicConstraints,
    subjectKeyId,
    authorityKeyId,
    unknownCriticalExtensions,
    extensions,
    quirks
  }
}

/** Parses a certificate (DER, BER, zero-padded, or PEM text); the result is cached per input bytes. */
export const parseSync = (bytes: Uint8Array): ParsedCertificate | CertificateParseError => {
  // Not bytes (a JavaScript caller's string or `null`): said so, instead of a TypeError from the cache's hashing.
  if (!(bytes instanceof Uint8Array))
    return new CertificateParseError({
      detail: `X509.parse: the certificate must be bytes (a Uint8Array of DER, or of PEM text), got ${kindOf(bytes)}; fix the call`
    })
  let parsed = certificateCache.get("", [bytes])
  if (parsed === undefined) {
    try {
      parsed = parseUncached(bytes)
    } catch (e) {
      parsed = new CertificateParseError({ detail: e instanceof Error ? e.message : "unreadable" })
    }
    certificateCache.set("", [bytes], parsed)
  }
  return parsed
}

/**
 * Parses a certificate. Accepts DER, BER (non-minimal and indefinite lengths), zero padding after the certificate
 * (the card fields are fixed-length) and PEM text; anything else fails with `CertificateParseError`.
 */
export const parse = (bytes: Uint8Array): Effect.Effect<ParsedCertificate, CertificateParseError> =>
  Effect.suspend(() => {
    const parsed = parseSync(bytes)
    return parsed instanceof CertificateParseError ? Effect.fail(parsed) : Effect.succeed(parsed)
  })

// ---------------------------------------------------------------------------------------------------------------
// Signatures

/**
 * Converts a DER `Ecdsa-Sig-Value` (SEQUENCE { r INTEGER, s INTEGER }) to raw `r ‖ s` of the curve's field length;
 * `undefined` when it is not one, or r or s does not fit.
 */
export const ecdsaDerToRaw = (der: Uint8Array, fieldLength: number): Uint8Array | undefined => {
  try {
    const seq = Tlv.readAt(der, 0)
    if (seq.tag !== 0x30 || seq.end !== der.length) return undefined
    const items = Tlv.children(der, seq.valueStart, seq.end)
    if (items.length !== 2 || items[0]!.tag !== 0x02 || items[1]!.tag !== 0x02) return undefined
    const parts = items.map((item) => {
      const v = Tlv.value(der, item)
      if (v.length === 0 || (v[0]! & 0x80) !== 0) return undefined // negative or empty
      const stripped = stripLeadingZeros(v)
      if (stripped.length > fieldLength || (stripped.length === 1 && stripped[0] === 0)) return undefined
      const out = new Uint8Array(fieldLength)
      out.set(stripped, fieldLength - stripped.length)
      return out
    })
    if (parts[0] === undefined || parts[1] === undefined) return undefined
    return concat(parts[0], parts[1])
  } catch {
    return undefined
  }
}

/** A short description of a key, for reports ("RSA-2048", "EC P-384"). */
export const describeKey = (key: PublicKey): string => (key.kind === "rsa" ? `RSA-${key.bits}` : `EC ${key.curve}`)

export type SignatureCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: "invalid" | "unsupported"; readonly detail: string }

type Signed = {
  readonly tbs: Uint8Array
  readonly signatureAlgorithm: SignatureAlgorithm
  readonly signatureValue: Uint8Array
}

/**
 * Results per (signed object, issuer key): parsed objects and anchor keys are stable, cached objects. Per backend: a
 * provider's answers are never read back by another backend (see `PerBackend`).
 */
const signatureCaches = new PerBackend(() => new PairCache<Signed, PublicKey, SignatureCheck>())

/**
 * Verifies `signatureValue` over `tbs` with `issuerKey` under `algorithm` (certificates and CRLs). Results are cached
 * per (bytes, key): a signature check is a pure function of them.
 */
export const verifySignedObject = async (
  signed: Signed,
  issuerKey: PublicKey,
  backend?: Backend
): Promise<SignatureCheck> => {
  const { signatureAlgorithm: algorithm } = signed
  if (algorithm.kind === "unsupported")
    return { ok: false, reason: "unsupported", detail: `signature algorithm ${algorithm.name} is not supported` }
  const cache = signatureCaches.of(backend)
  const cached = cache?.get(signed, issuerKey)
  if (cached !== undefined) return cached
  let result: SignatureCheck
  if (algorithm.kind === "rsa-pkcs1") {
    result =
      issuerKey.kind !== "rsa"
        ? { ok: false, reason: "invalid", detail: `an RSA signature cannot come from an ${describeKey(issuerKey)} key` }
        : (await rsaVerifyPkcs1(issuerKey, algorithm.hash, signed.tbs, signed.signatureValue, backend))
          ? { ok: true }
          : { ok: false, reason: "invalid", detail: `${algorithm.name} signature does not verify` }
  } else if (issuerKey.kind !== "ec") {
    result = {
      ok: false,
      reason: "invalid",
      detail: `an ECDSA signature cannot come from an ${describeKey(issuerKey)} key`
    }
  } else {
    const raw = ecdsaDerToRaw(signed.signatureValue, curveFieldLength[issuerKey.curve])
    result =
      raw === undefined
        ? {
            ok: false,
            reason: "invalid",
            detail: "the ECDSA signature is not a DER Ecdsa-Sig-Value for the issuer's curve"
          }
        : (await ecdsaVerify(issuerKey, algorithm.hash, signed.tbs, raw, backend))
          ? { ok: true }
          : { ok: false, reason: "invalid", detail: `${algorithm.name} signature does not verify` }
  }
  cache?.set(signed, issuerKey, result)
  return result
}

/** Drops the parse and signature caches (benchmarks measure the cold path with it). */
export const clearCaches = (): void => {
  certificateCache.clear()
  signatureCaches.clear()
}
