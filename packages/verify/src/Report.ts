/**
 * Verification results as data: one `Check` per object (a signature, a certificate, a digest), one `Report` per card
 * application or JPKI object, with a summary verdict a business can log and a JSON form.
 *
 * A report never says `verified` unless every check it holds verified. Time is reported apart from cryptography: a
 * check whose signature verifies but whose certificate (or anchor) has expired has verdict `expired` and
 * `authentic: true`; the report's `authentic` says whether everything verified cryptographically up to a trust anchor,
 * whatever the date.
 *
 * @since 0.1.0
 */
import { toHex } from "./internal/bytes.js"
import { type Backend, digestSync, type Signed } from "./internal/crypto.js"

/**
 * The outcome for one object, or for a whole report (the worst of its checks):
 * - `verified`: the signature verifies, the chain reaches a trust anchor, and everything is valid at the checked time.
 * - `signature-invalid`: a signature does not verify, or signed digests do not match the data.
 * - `revoked`: a CRL (checked and signed by the issuer) lists the certificate.
 * - `untrusted-chain`: a certificate names a known issuer but does not verify under it, or breaks a constraint
 *   (not a CA, e.g. an issuer certificate found among the intermediates without cA or keyCertSign; key usage, test
 *   material in production mode, an unprocessed critical extension).
 * - `unknown-issuer`: no trust anchor names the certificate's issuer (or none was supplied).
 * - `revocation-unknown`: a CRL was supplied and verifies, but cannot tell whether this certificate is revoked (RFC 5280
 *   §6.3.3: its scope does not cover the certificate, or covers only some reasons for it: its onlySomeReasons, or the
 *   reasons field of the certificate's distribution point; it is indirect or a delta CRL, or it lists the certificate
 *   with removeFromCRL). Never read as "not revoked"; the check's detail says what to supply.
 * - `expired`: everything verifies, but a certificate, anchor or CRL is outside its validity at the checked time.
 * - `not-signed`: the card carries no signature (residence cards issued under 16).
 * - `malformed`: the input cannot be read (truncated, not DER, wrong length, unsupported algorithm).
 */
export type Verdict =
  | "verified"
  | "signature-invalid"
  | "revoked"
  | "untrusted-chain"
  | "unknown-issuer"
  | "revocation-unknown"
  | "expired"
  | "not-signed"
  | "malformed"

/** From worst to best: a report's verdict is the first of these that any of its checks has. */
export const severity: ReadonlyArray<Verdict> = [
  "malformed",
  "signature-invalid",
  "revoked",
  "untrusted-chain",
  "unknown-issuer",
  "revocation-unknown",
  "not-signed",
  "expired",
  "verified"
]

export const worst = (verdicts: Iterable<Verdict>): Verdict => {
  let index = severity.length - 1
  for (const v of verdicts) index = Math.min(index, severity.indexOf(v))
  return severity[index]!
}

/** Where a trust anchor comes from. `custom` anchors were passed explicitly (e.g. a simulator's test CA). */
export type AnchorProfile = "production" | "official-test" | "test" | "custom"

/** The trust anchor a chain ended at. */
export interface AnchorRef {
  /** A file name (residence CAs), a J-LIS root name (`auth_ca_2023`), a CVC key name (`5000033`) or a custom label. */
  readonly name: string
  readonly profile: AnchorProfile
  /**
   * How the anchor became trusted: `pinned-fingerprint` (a user-supplied file whose SHA-256 matched a pinned
   * fingerprint), `embedded` (public J-LIS material built into the package), `custom` (passed by the caller).
   */
  readonly source: "pinned-fingerprint" | "embedded" | "custom"
  /** SHA-256 of the anchor certificate (DER), or of the CVC key's modulus. */
  readonly sha256: string
  readonly notAfter?: string
}

/** The bytes a signature or digest covers. */
export interface Covered {
  /** What was covered, e.g. "D0 value (7000) ‖ D1 value (3000)". */
  readonly description: string
  readonly length: number
  /**
   * SHA-256 of the covered bytes, lower-case hex (to match a report to stored data). Present when the verification
   * was asked for it (`coveredDigests: true`, as `jpcard verify` and `--verify` do) and on digest checks, where it is
   * the value compared. Off by default: for a 10 kB residence image block it costs more than the signature check.
   */
  readonly sha256?: string
  /**
   * Why `sha256` is left out even when asked for: the covered bytes can be guessed (a My Number, a birth date next to
   * a public key), so their digest would give them away to anyone who tries every candidate.
   */
  readonly digestWithheld?: string
}

export interface Validity {
  readonly status: "valid" | "expired" | "not-yet-valid"
  readonly notBefore: string
  readonly notAfter: string
}

export interface CertificateSummary {
  readonly subject: string
  readonly issuer: string
  readonly serialNumber: string
  readonly sha256: string
  readonly publicKey: string
  readonly signatureAlgorithm: string
  readonly notBefore: string
  readonly notAfter: string
  readonly quirks: ReadonlyArray<string>
}

export interface Revocation {
  readonly revokedAt: string
  /** RFC 5280 §5.3.1 reason name (`keyCompromise`, …); `unspecified` when the entry has none. */
  readonly reason: string
  readonly reasonCode: number
}

/** One verified (or not) object. */
export interface Check {
  /** Which object, e.g. `residence.gen1.checkCode`, `residence.gen1.certificate`, `kenhojo.EF0003`. */
  readonly object: string
  readonly verdict: Verdict
  /** Whether the cryptographic part verified (signature and, for certificates, the issuer), regardless of time. */
  readonly authentic: boolean
  /** e.g. "RSASSA-PKCS1-v1_5 SHA-256", "ECDSA P-384 SHA-256", "SHA-256 digest". */
  readonly algorithm?: string
  /** The encoding found: `digestInfo` / `bareHash` (RSA check code), `raw` / `der` (ECDSA), `tripleDigest`. */
  readonly form?: string
  readonly covered?: Covered
  /** The key that verified the signature (or was tried). */
  readonly signer?: string
  readonly certificate?: CertificateSummary
  readonly anchor?: AnchorRef
  readonly validity?: Validity
  readonly revocation?: Revocation
  /** Why the verdict is what it is, in words. Never contains personal data. */
  readonly detail?: string
}

export type ReportKind =
  | "residence-gen1"
  | "residence-gen2"
  | "mynumber-kenhojo"
  | "mynumber-kenkaku"
  | "mynumber-cvc"
  | "jpki-certificate"
  | "jpki-signature"
  | "card-presence"

export interface Report {
  readonly kind: ReportKind
  readonly verdict: Verdict
  /** Every check verified cryptographically up to a trust anchor (time aside). */
  readonly authentic: boolean
  /** One line for a log: kind, verdict, anchor, and the first failing check. */
  readonly summary: string
  /** The anchor the report's main chain ended at, when it reached one. */
  readonly anchor?: AnchorRef
  /** The time validity was checked against (ISO 8601). */
  readonly checkedAt: string
  readonly checks: ReadonlyArray<Check>
  /** What was not checked and why (e.g. revocation without a CRL). */
  readonly notes?: ReadonlyArray<string>
}

const label: Record<ReportKind, string> = {
  "residence-gen1": "residence card (gen 1)",
  "residence-gen2": "residence card (gen 2)",
  "mynumber-kenhojo": "My Number card 券面事項入力補助AP",
  "mynumber-kenkaku": "My Number card 券面事項確認AP",
  "mynumber-cvc": "My Number card CVC chain",
  "jpki-certificate": "JPKI certificate",
  "jpki-signature": "JPKI signature",
  "card-presence": "card presence"
}

/** Builds a report from its checks; the verdict is the worst check's (and `malformed` for no checks at all). */
export const make = (kind: ReportKind, checks: ReadonlyArray<Check>, at: Date, anchor?: AnchorRef): Report => {
  const verdict = checks.length === 0 ? "malformed" : worst(checks.map((c) => c.verdict))
  const authentic = checks.length > 0 && checks.every((c) => c.authentic)
  const first = checks.find((c) => c.verdict === verdict && verdict !== "verified")
  const anchorText = anchor ? ` anchor=${anchor.name} (${anchor.profile})` : ""
  const why = first ? ` ${first.object}: ${first.detail ?? first.verdict}` : ""
  const summary = `${label[kind]}: ${verdict}${anchorText};${why || " all checks passed"}`
  return {
    kind,
    verdict,
    authentic,
    summary: summary.endsWith(";") ? summary.slice(0, -1) : summary,
    ...(anchor ? { anchor } : {}),
    checkedAt: iso(at),
    checks
  }
}

/** The report as plain JSON (stable key order as built; dates as ISO strings; no byte arrays). */
export const toJson = (report: Report): string => JSON.stringify(report, null, 2)

/** Several reports (e.g. kenhojo, kenkaku and JPKI of one card) as one verdict. */
export const combine = (
  reports: ReadonlyArray<Report>
): { readonly verdict: Verdict; readonly authentic: boolean } => ({
  verdict: reports.length === 0 ? "malformed" : worst(reports.map((r) => r.verdict)),
  authentic: reports.length > 0 && reports.every((r) => r.authentic)
})

// ---------------------------------------------------------------------------------------------------------------
// Helpers for the verifiers

/** What decides whether a `Covered` carries its SHA-256 (the verifiers' options). @internal */
export interface CoveredOptions {
  readonly backend?: Backend | undefined
  readonly coveredDigests?: boolean | undefined
}

/** @internal */
export const covered = (description: string, bytes: Signed, options: CoveredOptions): Covered =>
  options.coveredDigests === true
    ? { description, length: bytes.length, sha256: toHex(digestSync("SHA-256", bytes, options.backend)) }
    : { description, length: bytes.length }

/** Covered bytes that can be guessed: never their digest, and the reason why not. @internal */
export const coveredWithheld = (description: string, length: number, reason: string): Covered => ({
  description,
  length,
  digestWithheld: reason
})

/** The same, from a SHA-256 of the covered bytes already computed (callers compute one only when asked). @internal */
export const coveredDigest = (description: string, length: number, sha256: Uint8Array): Covered => ({
  description,
  length,
  sha256: toHex(sha256)
})

const isoStrings = new WeakMap<Date, string>()
const iso = (d: Date): string => {
  let s = isoStrings.get(d)
  if (s === undefined) {
    s = d.toISOString()
    isoStrings.set(d, s)
  }
  return s
}

/** @internal */
export const validityAt = (notBefore: Date, notAfter: Date, at: Date): Validity => ({
  // getTime(), not `<` on the Dates: the relational operators go through ToPrimitive on every call.
  status:
    at.getTime() < notBefore.getTime() ? "not-yet-valid" : at.getTime() > notAfter.getTime() ? "expired" : "valid",
  notBefore: iso(notBefore),
  notAfter: iso(notAfter)
})
