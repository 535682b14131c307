/**
 * JPKI (公的個人認証): the My Number card's user-authentication and digital-signature certificates, checked up to the
 * J-LIS roots with validity, key usage and, when the user supplies a CRL, revocation with its RFC 5280 reason; and
 * signatures made by the card's JPKI keys (`80 2A`, RSA-2048 PKCS#1 v1.5 with a SHA-256 DigestInfo).
 *
 * Legal note: verifying JPKI signatures as a business (署名検証者) needs approval under 公的個人認証法 第17条.
 *
 * @since 0.1.0
 */
import { AsnParser } from "@peculiar/asn1-schema"
import { CRLDistributionPoints } from "@peculiar/asn1-x509"
import { Effect } from "effect"
import * as Crl from "./Crl.js"
import type { CrlParseError } from "./Errors.js"
import { concat, toHex } from "./internal/bytes.js"
import * as Chain from "./internal/chain.js"
import { digestInfoPrefix, isType1Encoding, rsaPublic, rsaVerifyPkcs1 } from "./internal/crypto.js"
import { type VerifyOptions, verifying } from "./internal/run.js"
import * as Report from "./Report.js"
import { type JpkiTrust, jlisTrust } from "./Trust.js"
import { CertificateParseError, type ParsedCertificate, parseSync, verifySignedObject } from "./X509.js"

export type { VerifyOptions }

export type JpkiPurpose = "authentication" | "signature"

export interface JpkiCertificateInput {
  /** The user's certificate: EF000A (利用者証明用) or EF0001 (署名用), DER. */
  readonly certificate: Uint8Array
  /**
   * Other CA certificates that may sit on the path (e.g. the card's EF000B / EF0002). They are checked, never
   * trusted by themselves: the path must end at an anchor of the trust store.
   */
  readonly intermediates?: ReadonlyArray<Uint8Array>
  /** A CRL from the certificate's issuer (DER or PEM), or one parsed with `Crl.parse`. Without it: no revocation check. */
  readonly crl?: Uint8Array | Crl.ParsedCrl
  /**
   * Which certificate this is: `authentication` requires keyUsage digitalSignature, `signature` nonRepudiation.
   * Default: either.
   */
  readonly purpose?: JpkiPurpose
}

const usagesFor = (purpose: JpkiPurpose | undefined) =>
  purpose === "authentication"
    ? (["digitalSignature"] as const)
    : purpose === "signature"
      ? (["nonRepudiation"] as const)
      : (["digitalSignature", "nonRepudiation"] as const)

/**
 * The certificate's cRLDistributionPoints fullNames (each GeneralName as DER hex), `"relative"` when one is named
 * relative to the CRL issuer, `undefined` when it has none or the extension does not parse.
 */
const distributionPointNames = (cert: ParsedCertificate): ReadonlyArray<string> | "relative" | undefined => {
  const ext = cert.extensions.find((e) => e.oid === "2.5.29.31")
  if (ext === undefined) return undefined
  try {
    const names: Array<string> = []
    for (const dp of AsnParser.parse(ext.value, CRLDistributionPoints)) {
      if (dp.distributionPoint?.nameRelativeToCRLIssuer !== undefined) return "relative"
      for (const n of dp.distributionPoint?.fullName ?? []) names.push(Crl.generalNameKey(n))
    }
    return names.length > 0 ? names : undefined
  } catch {
    return undefined
  }
}

const supply = "supply the issuer's complete CRL"

/**
 * Why the CRL cannot decide this certificate's revocation status from its scope, if it cannot: RFC 5280 §6.3.3
 * (b)(1) (the distribution point it was issued for must be one the certificate names; an indirect CRL may list other
 * issuers' certificates, and is not supported here) and (b)(2) (onlyContainsUserCerts / onlyContainsCACerts /
 * onlyContainsAttributeCerts against the certificate's basicConstraints), §5.2.5. A serial listed on such a CRL may
 * belong to another certificate, so it is not read at all.
 */
const outOfScope = (crl: Crl.ParsedCrl, cert: ParsedCertificate): string | undefined => {
  const idp = crl.issuingDistributionPoint
  if (idp === undefined) return undefined
  if (idp.indirectCRL)
    return `the CRL is indirect (issuingDistributionPoint indirectCRL), which this verifier does not process; ${supply}`
  if (idp.onlyContainsAttributeCerts)
    return `the CRL covers only attribute certificates (onlyContainsAttributeCerts); ${supply}`
  const isCa = cert.basicConstraints?.ca === true
  if (idp.onlyContainsCACerts && !isCa)
    return `the CRL covers only CA certificates (onlyContainsCACerts), this is an end-entity certificate; ${supply} or the partition for end-entity certificates`
  if (idp.onlyContainsUserCerts && isCa)
    return `the CRL covers only end-entity certificates (onlyContainsUserCerts), this is a CA certificate; ${supply} or the partition for CA certificates`
  if (idp.relativeName)
    return `the CRL's distribution point is named relative to its issuer (nameRelativeToCRLIssuer), which this verifier cannot match; ${supply}`
  if (idp.fullName !== undefined) {
    const names = distributionPointNames(cert)
    if (names === "relative")
      return `the certificate's distribution point is named relative to the CRL issuer, which this verifier cannot match to the CRL's; ${supply}`
    if (names === undefined || !idp.fullName.some((n) => names.includes(n)))
      return `the CRL was issued for a distribution point (issuingDistributionPoint) that is not among the certificate's cRLDistributionPoints; supply the CRL of the certificate's distribution point`
  }
  return undefined
}

const revocationCheck = async (
  cert: ParsedCertificate,
  issuer: ParsedCertificate | undefined,
  crl: Crl.ParsedCrl,
  at: Date,
  options: VerifyOptions
): Promise<Report.Check> => {
  const object = "jpki.revocation"
  const base = { object, algorithm: crl.signatureAlgorithm.name, signer: crl.issuer }
  if (issuer === undefined)
    return {
      ...base,
      verdict: "untrusted-chain",
      authentic: false,
      detail: "no verified issuer to check the CRL against"
    }
  if (crl.issuerKey !== issuer.subjectKey)
    return {
      ...base,
      verdict: "untrusted-chain",
      authentic: false,
      detail: `the CRL is issued by ${crl.issuer}, not by the certificate's issuer ${issuer.subject}`
    }
  if (issuer.keyUsage !== undefined && !issuer.keyUsage.includes("crlSign"))
    return { ...base, verdict: "untrusted-chain", authentic: false, detail: "the issuer's keyUsage lacks cRLSign" }
  if (issuer.publicKey === undefined)
    return { ...base, verdict: "malformed", authentic: false, detail: "the issuer's key is not supported" }
  const signature = await verifySignedObject(crl, issuer.publicKey, options.backend)
  if (!signature.ok)
    return {
      ...base,
      verdict: signature.reason === "unsupported" ? "malformed" : "untrusted-chain",
      authentic: false,
      detail: `the CRL's signature does not verify under the issuer: ${signature.detail}`
    }
  if (crl.unknownCriticalExtensions.length > 0)
    return {
      ...base,
      verdict: "untrusted-chain",
      authentic: false,
      detail: `the CRL has critical extensions this verifier does not process (${crl.unknownCriticalExtensions.join(", ")})`
    }
  const validity: Report.Validity = {
    status:
      at < crl.thisUpdate ? "not-yet-valid" : crl.nextUpdate !== undefined && at > crl.nextUpdate ? "expired" : "valid",
    notBefore: crl.thisUpdate.toISOString(),
    notAfter: (crl.nextUpdate ?? crl.thisUpdate).toISOString()
  }
  // RFC 5280 §6.3.3: a CRL whose scope does not cover the certificate, or that covers it only in part, cannot say
  // "not revoked". Such a check is `revocation-unknown` (the CRL verified: authentic), never `verified`.
  const unknown = (detail: string): Report.Check => ({
    ...base,
    verdict: "revocation-unknown",
    authentic: true,
    validity,
    detail
  })
  // §5.2.4, §6.3.3: a delta CRL lists only the changes since its base CRL; delta CRLs are not processed here.
  if (crl.delta)
    return unknown(
      `the CRL is a delta CRL (deltaCRLIndicator): it lists only changes since its base CRL, and delta CRLs are not processed here; ${supply}`
    )
  const scope = outOfScope(crl, cert)
  if (scope !== undefined) return unknown(scope)
  const entry = crl.entries.get(Crl.serialKey(cert.serialNumber))
  // §5.3.1: removeFromCRL (8) belongs only in delta CRLs; in a complete CRL it says nothing about this certificate.
  if (entry?.reasonCode === 8)
    return unknown(
      `the CRL lists this certificate with reason removeFromCRL, which RFC 5280 §5.3.1 allows only in delta CRLs: this complete CRL is malformed for it; ${supply}`
    )
  if (entry !== undefined)
    return {
      ...base,
      verdict: "revoked",
      authentic: false,
      validity,
      revocation: { revokedAt: entry.revokedAt.toISOString(), reason: entry.reason, reasonCode: entry.reasonCode },
      detail: `revoked on ${entry.revokedAt.toISOString()} (${entry.reason})`
    }
  // §6.3.3 (d): a CRL with onlySomeReasons covers only those reasons; not being listed says nothing about the others.
  const reasons = crl.issuingDistributionPoint?.onlySomeReasons
  if (reasons !== undefined)
    return unknown(
      `not listed, but the CRL covers only some revocation reasons (onlySomeReasons: ${reasons.join(", ") || "none"}); ${supply} or CRLs covering the other reasons`
    )
  return validity.status === "valid"
    ? {
        ...base,
        verdict: "verified",
        authentic: true,
        validity,
        detail: `not listed in the issuer's CRL of ${crl.thisUpdate.toISOString()}`
      }
    : {
        ...base,
        verdict: "expired",
        authentic: true,
        validity,
        detail: `not listed, but the CRL is ${validity.status === "expired" ? "out of date (past nextUpdate)" : "not yet valid"}`
      }
}

const certificateChecks = async (
  input: JpkiCertificateInput,
  crl: Crl.ParsedCrl | undefined,
  trust: JpkiTrust,
  at: Date,
  options: VerifyOptions
): Promise<{
  readonly checks: ReadonlyArray<Report.Check>
  readonly cert: ParsedCertificate | undefined
  readonly anchor: Report.AnchorRef | undefined
  readonly notes: ReadonlyArray<string>
}> => {
  const parsed = parseSync(input.certificate)
  if (parsed instanceof CertificateParseError)
    return {
      checks: [{ object: "jpki.certificate", verdict: "malformed", authentic: false, detail: parsed.message }],
      cert: undefined,
      anchor: undefined,
      notes: []
    }
  const intermediates: Array<ParsedCertificate> = []
  const checks: Array<Report.Check> = []
  for (const [i, bytes] of (input.intermediates ?? []).entries()) {
    const c = parseSync(bytes)
    if (c instanceof CertificateParseError)
      checks.push({ object: `jpki.candidate[${i}]`, verdict: "malformed", authentic: false, detail: c.message })
    else intermediates.push(c)
  }
  const chain = await Chain.validate(parsed, trust.anchors, {
    at,
    backend: options.backend,
    object: "jpki.certificate",
    leafUsages: usagesFor(input.purpose),
    requireLeafKeyUsage: true,
    intermediates
  })
  checks.push(...chain.checks)
  const notes: Array<string> = []
  if (crl !== undefined) checks.push(await revocationCheck(parsed, chain.leafIssuer, crl, at, options))
  else notes.push("revocation not checked: no CRL was supplied")
  return { checks, cert: parsed, anchor: chain.anchor?.ref, notes }
}

const crlOf = (crl: Uint8Array | Crl.ParsedCrl | undefined): Effect.Effect<Crl.ParsedCrl | undefined, CrlParseError> =>
  crl === undefined ? Effect.succeed(undefined) : crl instanceof Uint8Array ? Crl.parse(crl) : Effect.succeed(crl)

/**
 * Verifies a JPKI certificate up to the J-LIS roots (or the given trust store): signature path, validity, key usage,
 * and revocation when a CRL is given. Fails with `CrlParseError` only when the CRL given as bytes does not parse.
 */
export const verifyCertificate = (
  input: JpkiCertificateInput,
  trust: JpkiTrust = jlisTrust(),
  options: VerifyOptions = {}
): Effect.Effect<Report.Report, CrlParseError> =>
  Effect.flatMap(crlOf(input.crl), (crl) =>
    verifying("jpki-certificate", options, async (at) => {
      const { checks, anchor, notes } = await certificateChecks(input, crl, trust, at, options)
      return withNotes(Report.make("jpki-certificate", checks, at, anchor), notes)
    })
  )

const withNotes = (report: Report.Report, notes: ReadonlyArray<string>): Report.Report =>
  notes.length === 0 ? report : { ...report, notes }

export interface JpkiSignatureInput extends JpkiCertificateInput {
  /** The card's 256-byte answer to `80 2A`. */
  readonly signature: Uint8Array
  /** The signed message: the card was sent DigestInfo(SHA-256(data)). */
  readonly data?: Uint8Array
  /** Or only its SHA-256 hash (32 bytes), when the message itself is not at hand. */
  readonly digest?: Uint8Array
}

/**
 * Verifies a signature made by a JPKI key of the card (RSASSA-PKCS1-v1_5 with SHA-256), and the certificate as in
 * `verifyCertificate`.
 */
export const verifySignature = (
  input: JpkiSignatureInput,
  trust: JpkiTrust = jlisTrust(),
  options: VerifyOptions = {}
): Effect.Effect<Report.Report, CrlParseError> =>
  Effect.flatMap(crlOf(input.crl), (crl) =>
    verifying("jpki-signature", options, async (at) => {
      const certificate = await certificateChecks(input, crl, trust, at, options)
      const object = "jpki.signature"
      const base = { object, algorithm: "RSASSA-PKCS1-v1_5 SHA-256" }
      let check: Report.Check
      const key = certificate.cert?.publicKey
      if (certificate.cert === undefined || key === undefined)
        check = { ...base, verdict: "malformed", authentic: false, detail: "no usable certificate to verify it with" }
      else if (key.kind !== "rsa")
        check = { ...base, verdict: "malformed", authentic: false, detail: `the certificate's key is not RSA` }
      else if ((input.data === undefined) === (input.digest === undefined))
        check = { ...base, verdict: "malformed", authentic: false, detail: "give either the signed data or its digest" }
      else if (input.digest !== undefined && input.digest.length !== 32)
        check = { ...base, verdict: "malformed", authentic: false, detail: "a SHA-256 digest is 32 bytes" }
      else if (input.signature.length !== key.n.length)
        check = {
          ...base,
          verdict: "malformed",
          authentic: false,
          detail: `a signature of ${input.signature.length} bytes cannot come from an RSA-${key.bits} key`
        }
      else {
        let ok: boolean
        let covered: Report.Covered
        if (input.data !== undefined) {
          ok = await rsaVerifyPkcs1(key, "SHA-256", input.data, input.signature, options.backend)
          covered = Report.covered("the signed data", input.data, options)
        } else {
          const block = rsaPublic(key, input.signature)
          ok = block !== undefined && isType1Encoding(block, concat(digestInfoPrefix["SHA-256"], input.digest!))
          covered = {
            description: "the signed data, given as its SHA-256 digest",
            length: 32,
            sha256: toHex(input.digest!)
          }
        }
        check = ok
          ? {
              ...base,
              verdict: "verified",
              authentic: true,
              covered,
              signer: certificate.cert.subject,
              detail: "signed by the certificate's key"
            }
          : {
              ...base,
              verdict: "signature-invalid",
              authentic: false,
              covered,
              signer: certificate.cert.subject,
              detail: "the signature does not verify under the certificate's key over this data"
            }
      }
      return withNotes(
        Report.make("jpki-signature", [check, ...certificate.checks], at, certificate.anchor),
        certificate.notes
      )
    })
  )
