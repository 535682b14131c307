/**
 * Checking a user-supplied CA file against pinned fingerprints. The public entry points (Trust.ts) always pass the
 * embedded ISA fingerprints; tests pass their own list to exercise every branch without the agency's files.
 *
 * @internal
 */
import { Effect, Schema } from "effect"
import type { AnchorRef } from "../Report.js"
import type { PinnedResidenceAnchor } from "../trust/isaResidenceFingerprints.js"
import { CertificateParseError, type ParsedCertificate, parseSync } from "../X509.js"
import * as Args from "./args.js"
import { looksLikePem, pemBlocks, toHex } from "./bytes.js"
import { digestSync } from "./crypto.js"

/** A certificate trusted as the end of a chain, with how it came to be trusted. */
export interface CertificateAnchor {
  readonly ref: AnchorRef
  readonly certificate: ParsedCertificate
  /** Residence anchors: which card generation they sign for (custom anchors: both). */
  readonly generations: ReadonlyArray<1 | 2>
}

export interface AnchorFile {
  /** The file name, for reports and errors. */
  readonly name: string
  readonly bytes: Uint8Array
}

/**
 * A file offered as a trust anchor was refused. `FingerprintMismatch`: its SHA-256 is none of the pinned ones (a
 * wrong, altered or unofficial file). `ProfileMismatch`: it is the agency's official test CA in a production store, or
 * the reverse. `Unreadable`/`NotACertificate`: not a certificate. `NoAnchors`: nothing to trust. `InvalidArgument`:
 * the call itself is wrong (a list that is not an array, a file that is not bytes, an unknown profile); `file` then
 * names the argument, and the detail says what to pass, never the value given.
 */
export class AnchorError extends Schema.TaggedError<AnchorError>()("AnchorError", {
  file: Schema.String,
  reason: Schema.Literals([
    "FingerprintMismatch",
    "ProfileMismatch",
    "Unreadable",
    "NoAnchors",
    "NotACertificate",
    "InvalidArgument"
  ]),
  detail: Schema.String
}) {
  override get message(): string {
    return `trust anchor ${this.file}: ${this.reason}: ${this.detail}`
  }
}

/** The certificate's DER bytes: PEM decoded, otherwise the input. */
const derOf = (bytes: Uint8Array): Uint8Array | undefined => {
  if (!looksLikePem(bytes)) return bytes
  return pemBlocks(new TextDecoder().decode(bytes))[0]
}

/** An argument of the wrong shape, as an `AnchorError` naming it. */
export const invalidArgument = (step: string, problem: Args.Problem): AnchorError =>
  new AnchorError({ file: problem.argument, reason: "InvalidArgument", detail: Args.describe(step, problem) })

/** A CA file as the trust constructors take it. */
export const anchorFileProblem = (argument: string, value: unknown): Args.Problem | undefined =>
  Args.fields(argument, value, { name: Args.string, bytes: Args.bytes }, "a file { name, bytes }")

export const residenceProfile = Args.oneOf(["production", "official-test"], '"production" or "official-test"')

export const checkAgainstPins = (
  file: AnchorFile,
  profile: "production" | "official-test",
  pinned: ReadonlyArray<PinnedResidenceAnchor>
): Effect.Effect<CertificateAnchor, AnchorError> =>
  Effect.suspend(() => {
    const der = derOf(file.bytes)
    if (der === undefined)
      return Effect.fail(
        new AnchorError({ file: file.name, reason: "NotACertificate", detail: "PEM without a certificate" })
      )
    const sha256 = toHex(digestSync("SHA-256", der))
    const pin = pinned.find((a) => a.sha256 === sha256)
    if (pin === undefined)
      return Effect.fail(
        new AnchorError({
          file: file.name,
          reason: "FingerprintMismatch",
          detail: `SHA-256 ${sha256} is not one of the agency's pinned CA fingerprints; download the file again from the agency's page`
        })
      )
    if (pin.profile !== profile)
      return Effect.fail(
        new AnchorError({
          file: file.name,
          reason: "ProfileMismatch",
          detail: `this is the agency's ${pin.profile} CA (${pin.file}); a ${profile} trust store does not take it`
        })
      )
    const certificate = parseSync(der)
    if (certificate instanceof CertificateParseError)
      return Effect.fail(new AnchorError({ file: file.name, reason: "Unreadable", detail: certificate.detail }))
    return Effect.succeed({
      ref: {
        name: pin.file,
        profile: pin.profile,
        source: "pinned-fingerprint",
        sha256,
        notAfter: certificate.notAfter.toISOString()
      },
      certificate,
      generations: [pin.generation]
    } satisfies CertificateAnchor)
  })
