/**
 * Certificate path validation against a set of anchors (RFC 5280 §6, reduced to what card chains need): issuer name
 * match (and key identifiers when both sides have them), the issuer's signature over the exact to-be-signed bytes,
 * CA constraints on every issuing certificate, key usage of the leaf, unprocessed critical extensions, and validity at
 * the checked time reported apart from the cryptographic result.
 *
 * @internal
 */
import type { AnchorRef, CertificateSummary, Check, Verdict } from "../Report.js"
import { validityAt } from "../Report.js"
import type { CertificateAnchor } from "../Trust.js"
import { describeKey, type KeyUsageName, type ParsedCertificate, verifySignedObject } from "../X509.js"
import type { Backend } from "./crypto.js"

const summaries = new WeakMap<ParsedCertificate, CertificateSummary>()

/** The report's view of a certificate (cached per parsed certificate: reports share it, it is never mutated). */
export const summary = (c: ParsedCertificate): CertificateSummary => {
  let s = summaries.get(c)
  if (s === undefined) {
    s = Object.freeze({
      subject: c.subject,
      issuer: c.issuer,
      serialNumber: c.serialNumber,
      sha256: c.sha256,
      publicKey: c.publicKeyDescription,
      signatureAlgorithm: c.signatureAlgorithm.name,
      notBefore: c.notBefore.toISOString(),
      notAfter: c.notAfter.toISOString(),
      quirks: c.quirks
    })
    summaries.set(c, s)
  }
  return s
}

export interface ChainOptions {
  readonly at: Date
  readonly backend?: Backend | undefined
  /** Name of the leaf's check, e.g. `residence.gen1.certificate`. */
  readonly object: string
  /** The leaf's keyUsage, when present, must include one of these. */
  readonly leafUsages: ReadonlyArray<KeyUsageName>
  /** Whether the leaf must carry a keyUsage extension at all (JPKI: yes; card signer certificates: tolerated). */
  readonly requireLeafKeyUsage?: boolean
  /** Certificates that may sit between the leaf and an anchor (checked, never trusted by themselves). */
  readonly intermediates?: ReadonlyArray<ParsedCertificate>
}

export interface ChainResult {
  readonly checks: ReadonlyArray<Check>
  readonly anchor: CertificateAnchor | undefined
  /** The certificate that issued the leaf (anchor or intermediate), when the chain verified: signs the leaf's CRL. */
  readonly leafIssuer: ParsedCertificate | undefined
}

const isIssuerOf = (issuer: ParsedCertificate, child: ParsedCertificate) =>
  issuer.subjectKey === child.issuerKey &&
  (issuer.subjectKeyId === undefined ||
    child.authorityKeyId === undefined ||
    issuer.subjectKeyId === child.authorityKeyId)

/**
 * What keeps a certificate from acting as an issuer, if anything. An anchor was trusted explicitly (pinned, embedded
 * or passed by the caller), so a missing basicConstraints is accepted there (RFC 5280 §6.1: trust anchor information
 * is taken as given); a certificate that says it is not a CA, or may not sign certificates, never issues.
 */
const issuerProblem = (c: ParsedCertificate, anchor: boolean): string | undefined => {
  if (c.basicConstraints !== undefined && !c.basicConstraints.ca) return "basicConstraints says it is not a CA"
  if (!anchor && c.basicConstraints === undefined && c.version >= 3)
    return "it has no basicConstraints extension (not a CA)"
  if (c.keyUsage !== undefined && !c.keyUsage.includes("keyCertSign")) return "its keyUsage lacks keyCertSign"
  if (c.unknownCriticalExtensions.length > 0)
    return `it has critical extensions this verifier does not process (${c.unknownCriticalExtensions.join(", ")})`
  return undefined
}

/**
 * RFC 5280 §4.2.1.9, §6.1.4 (l)–(m): a CA certificate's pathLenConstraint n allows at most n non-self-issued
 * intermediate certificates below it in the path (the leaf is not counted). `below` is the path under the issuer,
 * leaf first. Anchors are held to it too, as to the rest of their basicConstraints (RFC 5937 §3).
 */
const pathLengthProblem = (issuer: ParsedCertificate, below: ReadonlyArray<ParsedCertificate>): string | undefined => {
  const max = issuer.basicConstraints?.pathLength
  if (max === undefined) return undefined
  let count = 0
  for (let i = 1; i < below.length; i++) if (below[i]!.subjectKey !== below[i]!.issuerKey) count++
  return count > max
    ? `its pathLenConstraint ${max} allows ${max} intermediate certificate${max === 1 ? "" : "s"} below it, this path has ${count}`
    : undefined
}

/**
 * Signature checks one path search may make. A real chain takes a handful (the leaf under the card's CA certificate
 * or a root, and that one under a root); without a bound, intermediates that all name and sign each other made the
 * depth-first search try every ordering of them up to 4 deep (60 such certificates: 11 s; 100: minutes).
 */
const MAX_SIGNATURE_CHECKS = 64

const timeVerdict = (c: ParsedCertificate, at: Date): { verdict: Verdict; status: string } => {
  const v = validityAt(c.notBefore, c.notAfter, at)
  return { verdict: v.status === "valid" ? "verified" : "expired", status: v.status }
}

/**
 * Validates `leaf` up to one of `anchors`. Returns a check for the leaf, one per intermediate used, and one for the
 * anchor (its validity).
 */
export const validate = async (
  leaf: ParsedCertificate,
  anchors: ReadonlyArray<CertificateAnchor>,
  options: ChainOptions
): Promise<ChainResult> => {
  const { at, object } = options
  const leafCheck = (verdict: Verdict, authentic: boolean, detail: string, anchor?: AnchorRef): Check => {
    const validity = validityAt(leaf.notBefore, leaf.notAfter, at)
    return {
      object,
      verdict,
      authentic,
      algorithm: leaf.signatureAlgorithm.name,
      signer: leaf.issuer,
      certificate: summary(leaf),
      ...(anchor ? { anchor } : {}),
      validity,
      detail
    }
  }

  // Leaf constraints (independent of the issuer).
  if (leaf.publicKey === undefined)
    return {
      checks: [leafCheck("malformed", false, `unsupported public key (${leaf.publicKeyDescription})`)],
      anchor: undefined,
      leafIssuer: undefined
    }
  if (leaf.unknownCriticalExtensions.length > 0)
    return {
      checks: [
        leafCheck(
          "untrusted-chain",
          false,
          `critical extensions this verifier does not process: ${leaf.unknownCriticalExtensions.join(", ")}`
        )
      ],
      anchor: undefined,
      leafIssuer: undefined
    }
  if (
    leaf.keyUsage === undefined
      ? options.requireLeafKeyUsage
      : !leaf.keyUsage.some((u) => options.leafUsages.includes(u))
  )
    return {
      checks: [
        leafCheck(
          "untrusted-chain",
          false,
          `keyUsage ${leaf.keyUsage ? `[${leaf.keyUsage.join(", ")}]` : "(absent)"} does not allow ${options.leafUsages.join(" or ")}`
        )
      ],
      anchor: undefined,
      leafIssuer: undefined
    }

  // Path building: depth-first over anchors, then intermediates, at most 4 certificates between leaf and anchor, and
  // at most MAX_SIGNATURE_CHECKS signature checks in all (each step down the path takes one).
  const intermediates = options.intermediates ?? []
  type Step = { readonly cert: ParsedCertificate; readonly issuer: ParsedCertificate }
  let nameMatched = false
  let lastFailure = ""
  let checksLeft = MAX_SIGNATURE_CHECKS
  // The highest certificate reached whose issuer nothing supplied names: what an unknown-issuer report must name (the
  // leaf's issuer is known when an intermediate above it verified).
  let unnamed: { readonly cert: ParsedCertificate; readonly depth: number } | undefined
  const search = async (
    cert: ParsedCertificate,
    path: ReadonlyArray<Step>,
    depth: number
  ): Promise<{ path: ReadonlyArray<Step>; anchor: CertificateAnchor } | undefined> => {
    // The certificates an issuer of `cert` would sit above, leaf first.
    const below = () => [...path.map((s) => s.cert), cert]
    // Whether anything supplied names `cert`'s issuer (worked out on the way: nothing is spent on a path that verifies).
    let named = false
    for (const anchor of anchors) {
      if (checksLeft <= 0) return undefined
      if (!isIssuerOf(anchor.certificate, cert)) continue
      named = true
      nameMatched = true
      const problem = issuerProblem(anchor.certificate, true)
      if (problem !== undefined) {
        lastFailure = `anchor ${anchor.ref.name} cannot issue certificates: ${problem}`
        continue
      }
      const tooLong = path.length > 0 ? pathLengthProblem(anchor.certificate, below()) : undefined
      if (tooLong !== undefined) {
        lastFailure = `anchor ${anchor.ref.name} cannot issue in this path: ${tooLong}`
        continue
      }
      const key = anchor.certificate.publicKey
      if (key === undefined) {
        lastFailure = `anchor ${anchor.ref.name} has an unsupported key`
        continue
      }
      checksLeft--
      const check = await verifySignedObject(cert, key, options.backend)
      if (check.ok) return { path: [...path, { cert, issuer: anchor.certificate }], anchor }
      lastFailure = `${check.detail} under anchor ${anchor.ref.name} (${describeKey(key)})`
    }
    if (depth >= 4) return undefined
    for (const candidate of intermediates) {
      if (checksLeft <= 0) return undefined
      if (candidate === cert || path.some((s) => s.cert === candidate) || !isIssuerOf(candidate, cert)) continue
      named = true
      const problem = issuerProblem(candidate, false)
      const tooLong = problem === undefined && path.length > 0 ? pathLengthProblem(candidate, below()) : undefined
      if (tooLong !== undefined) {
        // Named by the path but barred by its constraint: a broken chain (untrusted-chain), and other paths are tried.
        nameMatched = true
        lastFailure = `intermediate ${candidate.subject} cannot issue in this path: ${tooLong}`
        continue
      }
      // Found by name (and key identifier) but barred from issuing: the chain is broken (untrusted-chain), it is not
      // an unknown issuer. No signature check is spent on it, and other paths are tried.
      if (problem !== undefined) {
        nameMatched = true
        lastFailure = `the issuer certificate ${candidate.subject} was found among the intermediates, but it is not allowed to issue certificates: ${problem}; supply the certificate of the CA that issued this one (basicConstraints cA TRUE, keyUsage with keyCertSign)`
        continue
      }
      if (candidate.publicKey === undefined) {
        nameMatched = true
        lastFailure = `the issuer certificate ${candidate.subject} was found among the intermediates, but its key is not supported (${candidate.publicKeyDescription})`
        continue
      }
      checksLeft--
      const check = await verifySignedObject(cert, candidate.publicKey, options.backend)
      if (!check.ok) {
        nameMatched = true
        lastFailure = `${check.detail} under intermediate ${candidate.subject}`
        continue
      }
      const found = await search(candidate, [...path, { cert, issuer: candidate }], depth + 1)
      if (found) return found
    }
    if (!named && (unnamed === undefined || path.length > unnamed.depth)) unnamed = { cert, depth: path.length }
    return undefined
  }

  const found = await search(leaf, [], 0)
  if (found === undefined) {
    if (checksLeft <= 0)
      return {
        checks: [
          leafCheck(
            "untrusted-chain",
            false,
            `no path to a trust anchor within ${MAX_SIGNATURE_CHECKS} signature checks (too many candidate certificates)`
          )
        ],
        anchor: undefined,
        leafIssuer: undefined
      }
    if (!nameMatched)
      return {
        checks: [
          leafCheck(
            "unknown-issuer",
            false,
            anchors.length === 0
              ? "no trust anchor was supplied for this certificate"
              : unnamed === undefined || unnamed.cert === leaf
                ? `no trust anchor names the issuer ${leaf.issuer}`
                : `no trust anchor names the issuer ${unnamed.cert.issuer} of ${unnamed.cert.subject}, which the intermediates given lead to; supply its anchor or the intermediates up to one`
          )
        ],
        anchor: undefined,
        leafIssuer: undefined
      }
    return {
      checks: [leafCheck("untrusted-chain", false, lastFailure || "no path to a trust anchor")],
      anchor: undefined,
      leafIssuer: undefined
    }
  }

  const ref = found.anchor.ref
  const checks: Array<Check> = []
  for (const [i, step] of found.path.entries()) {
    const cert = step.cert
    const { verdict, status } = timeVerdict(cert, at)
    const base = i === 0 ? object : `${object}.intermediate[${i - 1}]`
    checks.push({
      object: base,
      verdict,
      authentic: true,
      algorithm: cert.signatureAlgorithm.name,
      signer: step.issuer.subject,
      certificate: summary(cert),
      anchor: ref,
      validity: validityAt(cert.notBefore, cert.notAfter, at),
      detail:
        status === "valid"
          ? `signed by ${step.issuer.subject}`
          : `signature verifies, but the certificate is ${status} at ${at.toISOString()}`
    })
  }
  const anchorCert = found.anchor.certificate
  const anchorTime = timeVerdict(anchorCert, at)
  checks.push({
    object: `${object}.anchor`,
    verdict: anchorTime.verdict,
    authentic: true,
    certificate: summary(anchorCert),
    anchor: ref,
    validity: validityAt(anchorCert.notBefore, anchorCert.notAfter, at),
    detail:
      anchorTime.status === "valid"
        ? `trust anchor ${ref.name} (${ref.profile}, ${ref.source})`
        : `trust anchor ${ref.name} is ${anchorTime.status} at ${at.toISOString()}`
  })
  return { checks, anchor: found.anchor, leafIssuer: found.path[0]!.issuer }
}
