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
import { CRLDistributionPoints, ReasonFlags } from "@peculiar/asn1-x509"
import { Effect } from "effect"
import * as Crl from "./Crl.js"
import { CrlParseError } from "./Errors.js"
import * as Args from "./internal/args.js"
import { concat, toHex } from "./internal/bytes.js"
import * as Chain from "./internal/chain.js"
import { digestInfoPrefix, isType1Encoding, rsaPublic, rsaVerifyPkcs1 } from "./internal/crypto.js"
import { directoryNameKey, generalNameKey } from "./internal/names.js"
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

/** RFC 5280 §4.2.1.13 ReasonFlags as a mask (bit n: reason n); all-reasons is bits 1–8, `unused` (bit 0) aside. */
const allReasons = 0x1fe

const reasonList = (mask: number): string =>
  [1, 2, 3, 4, 5, 6, 7, 8]
    .filter((bit) => (mask & (1 << bit)) !== 0)
    .map((bit) => ReasonFlags[1 << bit])
    .join(", ") || "none"

const maskOf = (names: ReadonlyArray<string>): number =>
  names.reduce((mask, n) => mask | (ReasonFlags[n as keyof typeof ReasonFlags] ?? 0), 0)

/** A distribution point of the certificate, as §6.3.3 uses it. */
interface DistributionPoint {
  /** Its distributionPoint name as comparison keys (`internal/names.ts`); `undefined` when it has none. */
  readonly names: ReadonlyArray<string> | undefined
  /** Its reasons field as a mask; all-reasons when the field is absent. */
  readonly reasons: number
  /** Whether it names a cRLIssuer: its CRLs come from another issuer and are indirect (not processed here). */
  readonly crlIssuer: boolean
}

/**
 * The certificate's distribution points (RFC 5280 §4.2.1.13). A name relative to the CRL issuer is appended to the
 * certificate issuer's name (without cRLIssuer, the certificate's issuer issues the CRL). A certificate without the
 * extension has one implied distribution point (§6.3.3, last paragraph): named by its issuer, for all reasons. Names
 * are worked out only when `named` (the CRL names a distribution point). `undefined` when the extension does not parse.
 */
const distributionPoints = (cert: ParsedCertificate, named: boolean): ReadonlyArray<DistributionPoint> | undefined => {
  try {
    const ext = cert.extensions.find((e) => e.oid === "2.5.29.31")
    if (ext === undefined)
      return [{ names: named ? [directoryNameKey(cert.issuerName)] : undefined, reasons: allReasons, crlIssuer: false }]
    return AsnParser.parse(ext.value, CRLDistributionPoints).map((dp) => {
      const crlIssuer = dp.cRLIssuer !== undefined
      const relative = dp.distributionPoint?.nameRelativeToCRLIssuer
      const names =
        !named || crlIssuer
          ? undefined
          : relative !== undefined
            ? [directoryNameKey([...cert.issuerName, relative])]
            : dp.distributionPoint?.fullName?.map(generalNameKey)
      return { names, reasons: dp.reasons === undefined ? allReasons : dp.reasons.toNumber(), crlIssuer }
    })
  } catch {
    return undefined
  }
}

const supply = "supply the issuer's complete CRL"

/** What a CRL in scope covers for the certificate: the interim reasons mask of RFC 5280 §6.3.3 (d), and its sources. */
interface Coverage {
  readonly reasons: number
  /** The CRL's onlySomeReasons (all-reasons when absent). */
  readonly crlReasons: number
  /** The reasons fields of the distribution points the CRL was matched to, together. */
  readonly pointReasons: number
}

/**
 * Whether the CRL can decide this certificate's revocation status, and for which reasons (RFC 5280 §6.3.3 (b), (d),
 * §5.2.5): a string says why it cannot. An indirect CRL may list other issuers' certificates, and is not supported
 * here; onlyContainsUserCerts / onlyContainsCACerts / onlyContainsAttributeCerts are held against the certificate's
 * basicConstraints. A serial listed on a CRL out of scope may belong to another certificate, so it is not read at all.
 *
 * Which distribution point the CRL is taken to be for (§6.3.3 (b)(1)): every one of the certificate's distribution
 * points that has no cRLIssuer (that would make the CRL indirect) and, when the CRL's issuingDistributionPoint names
 * a distribution point, shares a name with it (compared as RFC 5280 §7 says). A CRL without such a name matches them
 * all. The interim reasons mask is the CRL's onlySomeReasons (all reasons when absent) intersected with the union of
 * the matched points' reasons (each all reasons when absent): the outer loop of §6.3.3 over the distribution points,
 * with this one CRL. The implied distribution point (the certificate issuer's name, all reasons) stands in only when
 * the certificate has no cRLDistributionPoints: a user-supplied CRL cannot show that it was "not specified in a
 * distribution point", and taking it for the implied point would let it bypass the reasons the certificate names.
 */
const coverage = (crl: Crl.ParsedCrl, cert: ParsedCertificate): Coverage | string => {
  const idp = crl.issuingDistributionPoint
  if (idp?.indirectCRL)
    return `the CRL is indirect (issuingDistributionPoint indirectCRL), which this verifier does not process; ${supply}`
  if (idp?.onlyContainsAttributeCerts)
    return `the CRL covers only attribute certificates (onlyContainsAttributeCerts); ${supply}`
  const isCa = cert.basicConstraints?.ca === true
  if (idp?.onlyContainsCACerts && !isCa)
    return `the CRL covers only CA certificates (onlyContainsCACerts), this is an end-entity certificate; ${supply} or the partition for end-entity certificates`
  if (idp?.onlyContainsUserCerts && isCa)
    return `the CRL covers only end-entity certificates (onlyContainsUserCerts), this is a CA certificate; ${supply} or the partition for CA certificates`
  const names = idp?.names
  const points = distributionPoints(cert, names !== undefined)
  if (points === undefined)
    return `the certificate's cRLDistributionPoints extension cannot be read, so which CRLs and reasons cover it is unknown; ${supply}`
  const matched = points.filter(
    (p) => !p.crlIssuer && (names === undefined || (p.names?.some((n) => names.includes(n)) ?? false))
  )
  if (matched.length === 0)
    return points.length === 0
      ? `the certificate's cRLDistributionPoints extension names no distribution point, so which CRLs cover it is unknown; ${supply}`
      : points.every((p) => p.crlIssuer)
        ? `the certificate's cRLDistributionPoints name another CRL issuer (cRLIssuer): its CRLs are indirect, which this verifier does not process; ${supply}`
        : cert.extensions.some((e) => e.oid === "2.5.29.31")
          ? `the CRL was issued for a distribution point (issuingDistributionPoint) that is not among the certificate's cRLDistributionPoints; supply the CRL of the certificate's distribution point`
          : `the CRL was issued for a distribution point (issuingDistributionPoint) other than the certificate issuer's name, and the certificate has no cRLDistributionPoints naming it; ${supply}`
  const crlReasons = idp?.onlySomeReasons === undefined ? allReasons : maskOf(idp.onlySomeReasons)
  const pointReasons = matched.reduce((mask, p) => mask | p.reasons, 0)
  return { reasons: crlReasons & pointReasons & allReasons, crlReasons, pointReasons }
}

/** Why a CRL that does not list the certificate cannot say it is not revoked, if it covers only some reasons. */
const partialReasons = (c: Coverage): string | undefined => {
  if (c.reasons === allReasons) return undefined
  const from = [
    ...((c.crlReasons & allReasons) !== allReasons ? [`the CRL's onlySomeReasons: ${reasonList(c.crlReasons)}`] : []),
    ...((c.pointReasons & allReasons) !== allReasons
      ? [`the certificate's distribution point reasons: ${reasonList(c.pointReasons)}`]
      : [])
  ]
  return `not listed, but for this certificate the CRL covers only some revocation reasons (${reasonList(c.reasons)}; ${from.join("; ")}); ${supply} or CRLs covering the other reasons`
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
  const scope = coverage(crl, cert)
  if (typeof scope === "string") return unknown(scope)
  const entry = crl.entries.get(Crl.serialKey(cert.serialNumber))
  // §5.3.1: removeFromCRL (8) belongs only in delta CRLs; in a complete CRL it says nothing about this certificate.
  if (entry?.reasonCode === 8)
    return unknown(
      `the CRL lists this certificate with reason removeFromCRL, which RFC 5280 §5.3.1 allows only in delta CRLs: this complete CRL is malformed for it; ${supply}`
    )
  // §6.3.3 (j): a CRL in scope that lists the certificate revokes it, whatever the reasons mask (the entry's reason
  // need not be one the CRL is said to cover: the issuer signed that this serial is revoked).
  if (entry !== undefined)
    return {
      ...base,
      verdict: "revoked",
      authentic: false,
      validity,
      revocation: { revokedAt: entry.revokedAt.toISOString(), reason: entry.reason, reasonCode: entry.reasonCode },
      detail: `revoked on ${entry.revokedAt.toISOString()} (${entry.reason})`
    }
  // §6.3.3 (d), (k): a CRL whose interim reasons mask is not all-reasons says nothing about the other reasons.
  const partial = partialReasons(scope)
  if (partial !== undefined) return unknown(partial)
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

const validDate = (value: unknown) => value instanceof Date && !Number.isNaN(value.getTime())

/**
 * A CRL as `Crl.parse` returns it, as far as the revocation check reads it (a parsed CRL may come from another worker
 * through structuredClone, which keeps Maps, Dates and bytes; JSON keeps none of them).
 */
const isParsedCrl = (value: unknown): boolean =>
  Args.isRecord(value) &&
  value._tag === "ParsedCrl" &&
  Args.isBytes(value.der) &&
  Args.isBytes(value.tbs) &&
  Args.isBytes(value.signatureValue) &&
  Args.isRecord(value.signatureAlgorithm) &&
  typeof value.issuer === "string" &&
  typeof value.issuerKey === "string" &&
  validDate(value.thisUpdate) &&
  (value.nextUpdate === undefined || validDate(value.nextUpdate)) &&
  value.entries instanceof Map &&
  typeof value.delta === "boolean" &&
  (value.issuingDistributionPoint === undefined || Args.isRecord(value.issuingDistributionPoint)) &&
  Array.isArray(value.unknownCriticalExtensions)

const crlArgument: Args.Check = {
  expected: "the CRL's bytes (DER or PEM, a Uint8Array) or what Crl.parse returned, or absent",
  is: (value) => value === undefined || Args.isBytes(value) || isParsedCrl(value)
}

/**
 * The CRL of the input, parsed. A CRL of the wrong shape (a string, a parsed CRL that went through JSON) is a
 * `CrlParseError` naming it, as a CRL whose bytes do not parse is: it was read as a parsed CRL and threw inside.
 * Suspended: reading `input.crl` of a JavaScript caller's `null` threw while the Effect was being built.
 */
const crlOf = (step: string, input: JpkiCertificateInput): Effect.Effect<Crl.ParsedCrl | undefined, CrlParseError> =>
  Effect.suspend(() => {
    // An input that is not an object has no CRL: the verification reports it.
    const crl: unknown = Args.isRecord(input) ? input.crl : undefined
    const problem = Args.check("input.crl", crl, crlArgument)
    if (problem !== undefined) return Effect.fail(new CrlParseError({ detail: Args.describe(step, problem) }))
    return crl === undefined
      ? Effect.succeed(undefined)
      : Args.isBytes(crl)
        ? Crl.parse(crl)
        : Effect.succeed(crl as Crl.ParsedCrl)
  })

/** What the verifications check of their input before reading it (a server may have mapped it from JSON). */
const certificateFields = {
  certificate: Args.bytes,
  intermediates: Args.optional({
    expected: "an array of certificates (each bytes, a Uint8Array)",
    is: (value) => Args.denseEvery(value, Args.isBytes)
  }),
  // A misspelt purpose was read as "either" (no key usage required): refused instead.
  purpose: Args.optional(Args.oneOf(["authentication", "signature"], '"authentication" or "signature"'))
}
const signatureFields = {
  ...certificateFields,
  signature: Args.bytes,
  data: Args.optional(Args.bytes),
  digest: Args.optional(Args.bytes)
}

const certificateCall = (input: unknown, trust: unknown): Args.Call => ({
  step: "Jpki.verifyCertificate",
  problem: () => Args.fields("input", input, certificateFields) ?? Args.check("trust", trust, Args.jpkiTrust)
})
const signatureCall = (input: unknown, trust: unknown): Args.Call => ({
  step: "Jpki.verifySignature",
  problem: () => Args.fields("input", input, signatureFields) ?? Args.check("trust", trust, Args.jpkiTrust)
})

/**
 * Verifies a JPKI certificate up to the J-LIS roots (or the given trust store): signature path, validity, key usage,
 * and revocation when a CRL is given. Fails with `CrlParseError` only when the CRL given does not parse (or is not a
 * CRL at all).
 */
export const verifyCertificate = (
  input: JpkiCertificateInput,
  trust: JpkiTrust = jlisTrust(),
  options: VerifyOptions = {}
): Effect.Effect<Report.Report, CrlParseError> =>
  Effect.flatMap(crlOf("Jpki.verifyCertificate", input), (crl) =>
    verifying("jpki-certificate", options, certificateCall(input, trust), async (at) => {
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
  Effect.flatMap(crlOf("Jpki.verifySignature", input), (crl) =>
    verifying("jpki-signature", options, signatureCall(input, trust), async (at) => {
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
