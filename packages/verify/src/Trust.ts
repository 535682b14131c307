/**
 * Trust anchors.
 *
 * - **Residence cards**: the Immigration Services Agency's CA certificates are not redistributed. The user supplies the
 *   official files (bytes, or a folder through `ResidenceTrustFs`), and each file's SHA-256 (of the DER; PEM is
 *   decoded first) must equal one of the pinned fingerprints (`shared/trust/isa-residence-card-ca.json`) before it is
 *   trusted. A store holds one profile: production and the agency's official test CA never mix.
 * - **JPKI**: the J-LIS root certificates are public and embedded (`jlisRoots`).
 * - **CVC**: the J-LIS CA keys of the card-verifiable certificates are public and embedded (`jlisCvcKeys`), in a
 *   production and a test hierarchy.
 * - **Custom** anchors (a simulator's test CAs, a private test PKI) are passed explicitly, and every report that ends at
 *   one says `profile: "custom"`. They never enter a production or official-test store.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Args from "./internal/args.js"
import { fromBase64, fromHex, toHex } from "./internal/bytes.js"
import { digestSync, type RsaPublicKey } from "./internal/crypto.js"
import {
  AnchorError,
  type AnchorFile,
  anchorFileProblem,
  type CertificateAnchor,
  checkAgainstPins,
  invalidArgument,
  residenceProfile
} from "./internal/pinning.js"
import type { AnchorRef } from "./Report.js"
import { isaResidenceAnchors, type PinnedResidenceAnchor } from "./trust/isaResidenceFingerprints.js"
import { type EmbeddedCvcKey, jlisCvcKeys as embeddedCvcKeys } from "./trust/jlisCvcKeys.js"
import { jlisJpkiRoots } from "./trust/jlisJpkiRoots.js"
import { CertificateParseError, parseSync } from "./X509.js"

export type { CertificateAnchor, PinnedResidenceAnchor }
export { AnchorError }

// ---------------------------------------------------------------------------------------------------------------
// Residence cards

export type ResidenceProfile = "production" | "official-test"

export interface ResidenceTrust {
  readonly _tag: "ResidenceTrust"
  /** `custom` for a store built with `customResidenceTrust`. */
  readonly profile: ResidenceProfile | "custom"
  readonly anchors: ReadonlyArray<CertificateAnchor>
  /** Files of a folder that were left out, and why (the other profile's CA, a file that is not a certificate). */
  readonly skipped: ReadonlyArray<{ readonly file: string; readonly reason: string }>
}

/** The pinned fingerprints of the agency's CA certificates (the files are supplied by the user). */
export const pinnedResidenceAnchors: ReadonlyArray<PinnedResidenceAnchor> = isaResidenceAnchors

export type { AnchorFile }

/** Checks one user-supplied file against the pinned fingerprints (embedded from shared/trust). */
export const checkResidenceAnchorFile = (
  file: AnchorFile,
  profile: ResidenceProfile
): Effect.Effect<CertificateAnchor, AnchorError> =>
  Effect.suspend(() => {
    const problem = anchorFileProblem("file", file) ?? Args.check("profile", profile, residenceProfile)
    return problem !== undefined
      ? Effect.fail(invalidArgument("Trust.checkResidenceAnchorFile", problem))
      : checkAgainstPins(file, profile, isaResidenceAnchors)
  })

/**
 * The options of the trust constructors, checked: a JavaScript caller's `null` threw, and an unknown profile made
 * every file a `ProfileMismatch` (or a generation that is not 1 or 2 an anchor for no card).
 */
const optionsProblem = (options: unknown, checks: Readonly<Record<string, Args.Check>>) =>
  options === undefined ? undefined : Args.fields("options", options, checks, "an object (or absent)")

const label = Args.optional(Args.string)
const generations = Args.optional({
  expected: "an array of generations (1, 2)",
  is: (value) => Args.denseEvery(value, (g) => g === 1 || g === 2)
})

/** A list of certificates: each bytes, or a file `{ name, bytes }`. */
const certificatesProblem = (certificates: unknown) =>
  Args.each("certificates", certificates, "an array of certificates (bytes, or { name, bytes })", (argument, item) =>
    Args.isBytes(item) ? undefined : anchorFileProblem(argument, item)
  )

/**
 * A residence trust store from the agency's CA files (e.g. `zairyucard_ca2_20260420_20390720.crt`), each checked
 * against the pinned fingerprints. `profile` (default `production`) decides which files are accepted: giving the
 * official test CA to a production store (or the reverse) fails with `ProfileMismatch`.
 */
export const residenceTrust = (
  files: ReadonlyArray<AnchorFile>,
  options: { readonly profile?: ResidenceProfile } = {}
): Effect.Effect<ResidenceTrust, AnchorError> =>
  Effect.gen(function* () {
    const problem =
      Args.each("files", files, "an array of files { name, bytes }", anchorFileProblem) ??
      optionsProblem(options, { profile: Args.optional(residenceProfile) })
    if (problem !== undefined) return yield* invalidArgument("Trust.residenceTrust", problem)
    const profile = options.profile ?? "production"
    if (files.length === 0)
      return yield* new AnchorError({ file: "(none)", reason: "NoAnchors", detail: "no CA file was given" })
    const anchors: Array<CertificateAnchor> = []
    for (const file of files) anchors.push(yield* checkResidenceAnchorFile(file, profile))
    return { _tag: "ResidenceTrust", profile, anchors, skipped: [] } satisfies ResidenceTrust
  })

/**
 * A residence trust store of caller-chosen certificates (a simulator's test CAs, a private test PKI). Every report
 * that ends at one of them says `profile: "custom"` and `source: "custom"`. Nothing is checked against the pinned
 * fingerprints: use this only for tests.
 */
export const customResidenceTrust = (
  certificates: ReadonlyArray<Uint8Array | AnchorFile>,
  options: { readonly label?: string; readonly generations?: ReadonlyArray<1 | 2> } = {}
): Effect.Effect<ResidenceTrust, AnchorError> =>
  Effect.gen(function* () {
    const problem = certificatesProblem(certificates) ?? optionsProblem(options, { label, generations })
    if (problem !== undefined) return yield* invalidArgument("Trust.customResidenceTrust", problem)
    const anchors = yield* customAnchors(certificates, options)
    return {
      _tag: "ResidenceTrust",
      profile: "custom",
      anchors: anchors.map((a) => ({ ...a, generations: options.generations ?? [1, 2] })),
      skipped: []
    } satisfies ResidenceTrust
  })

/** Parses caller-supplied anchor certificates, labelled custom. */
export const customAnchors = (
  certificates: ReadonlyArray<Uint8Array | AnchorFile>,
  options: { readonly label?: string } = {}
): Effect.Effect<ReadonlyArray<CertificateAnchor>, AnchorError> =>
  Effect.gen(function* () {
    const problem = certificatesProblem(certificates) ?? optionsProblem(options, { label })
    if (problem !== undefined) return yield* invalidArgument("Trust.customAnchors", problem)
    if (certificates.length === 0)
      return yield* new AnchorError({ file: "(none)", reason: "NoAnchors", detail: "no certificate was given" })
    const out: Array<CertificateAnchor> = []
    for (const [i, item] of certificates.entries()) {
      const file = item instanceof Uint8Array ? { name: `custom #${i + 1}`, bytes: item } : item
      const certificate = parseSync(file.bytes)
      if (certificate instanceof CertificateParseError)
        return yield* new AnchorError({ file: file.name, reason: "Unreadable", detail: certificate.detail })
      out.push({
        ref: {
          name: options.label ? `${options.label}: ${certificate.subject}` : `custom: ${certificate.subject}`,
          profile: "custom",
          source: "custom",
          sha256: certificate.sha256,
          notAfter: certificate.notAfter.toISOString()
        },
        certificate,
        generations: [1, 2]
      })
    }
    return out
  })

// ---------------------------------------------------------------------------------------------------------------
// JPKI

export interface JpkiTrust {
  readonly _tag: "JpkiTrust"
  readonly profile: "production" | "custom"
  readonly anchors: ReadonlyArray<CertificateAnchor>
}

/** The embedded J-LIS JPKI roots, parsed. */
export interface JlisRoot {
  readonly name: string
  readonly purpose: "authentication" | "signature"
  readonly generation: string
  readonly sha256: string
  readonly der: Uint8Array
}

export const jlisRoots: ReadonlyArray<JlisRoot> = jlisJpkiRoots.map((r) => ({
  name: r.name,
  purpose: r.purpose,
  generation: r.generation,
  sha256: r.sha256,
  der: fromBase64(r.derBase64)!
}))

let jlisStore: JpkiTrust | undefined

/** The J-LIS roots as a trust store (production). */
export const jlisTrust = (): JpkiTrust => {
  if (jlisStore === undefined) {
    const anchors: Array<CertificateAnchor> = []
    for (const root of jlisRoots) {
      const certificate = parseSync(root.der)
      if (certificate instanceof CertificateParseError)
        throw new Error(`embedded J-LIS root ${root.name}: ${certificate.detail}`)
      anchors.push({
        ref: {
          name: root.name,
          profile: "production",
          source: "embedded",
          sha256: root.sha256,
          notAfter: certificate.notAfter.toISOString()
        },
        certificate,
        generations: []
      })
    }
    jlisStore = { _tag: "JpkiTrust", profile: "production", anchors }
  }
  return jlisStore
}

/** Which J-LIS root a certificate is, by SHA-256 of its DER; `undefined` when it is none of them. */
export const recogniseJlisRoot = (certificate: Uint8Array): JlisRoot | undefined => {
  // Total: what is not bytes is no root (a JavaScript caller's string threw from the digest).
  if (!Args.isBytes(certificate)) return undefined
  const parsed = parseSync(certificate)
  const der = parsed instanceof CertificateParseError ? certificate : parsed.der
  const sha256 = toHex(digestSync("SHA-256", der))
  return jlisRoots.find((r) => r.sha256 === sha256)
}

/** A JPKI trust store of caller-chosen roots (the simulator's JPKI-like test CAs), labelled custom. */
export const customJpkiTrust = (
  certificates: ReadonlyArray<Uint8Array | AnchorFile>,
  options: { readonly label?: string } = {}
): Effect.Effect<JpkiTrust, AnchorError> =>
  Effect.suspend(() => {
    const problem = certificatesProblem(certificates) ?? optionsProblem(options, { label })
    return problem !== undefined
      ? Effect.fail(invalidArgument("Trust.customJpkiTrust", problem))
      : Effect.map(customAnchors(certificates, options), (anchors) => ({
          _tag: "JpkiTrust" as const,
          profile: "custom" as const,
          anchors
        }))
  })

// ---------------------------------------------------------------------------------------------------------------
// CVC keys

/** An RSA key that signs card-verifiable certificates, named by its 16-byte 証明者鍵ID. */
export interface CvcKey {
  /** 16 bytes, upper-case hex; `undefined` for a custom key that answers any key ID. */
  readonly issuerKeyId: string | undefined
  readonly name: string
  readonly profile: "production" | "test" | "custom"
  readonly describes: string
  readonly key: RsaPublicKey
  readonly ref: AnchorRef
}

const rsaKey = (modulus: Uint8Array, exponent: Uint8Array): RsaPublicKey => {
  let n = modulus
  while (n.length > 1 && n[0] === 0) n = n.subarray(1)
  let e = exponent
  while (e.length > 1 && e[0] === 0) e = e.subarray(1)
  return { kind: "rsa", n, e, bits: (n.length - 1) * 8 + (32 - Math.clz32(n[0]!)) }
}

const fromEmbedded = (k: EmbeddedCvcKey): CvcKey => {
  const key = rsaKey(fromHex(k.modulus)!, fromHex(k.exponent)!)
  return {
    issuerKeyId: k.issuerKeyId,
    name: k.name,
    profile: k.profile,
    describes: k.describes,
    key,
    ref: { name: k.name, profile: k.profile, source: "embedded", sha256: toHex(digestSync("SHA-256", key.n)) }
  }
}

/** The embedded J-LIS CVC CA keys, production and test hierarchies. */
export const jlisCvcKeys: ReadonlyArray<CvcKey> = embeddedCvcKeys.map(fromEmbedded)

export interface CvcTrust {
  readonly _tag: "CvcTrust"
  /**
   * `production`: only production J-LIS keys are trusted (a test-card CVC is `untrusted-chain`). `test`: only the
   * J-LIS test hierarchy (6000xxx). `custom`: the given keys.
   */
  readonly profile: "production" | "test" | "custom"
  readonly keys: ReadonlyArray<CvcKey>
}

/** The J-LIS CVC keys of one hierarchy (default production). */
export const jlisCvcTrust = (profile: "production" | "test" = "production"): CvcTrust => ({
  _tag: "CvcTrust",
  profile,
  keys: jlisCvcKeys
})

const nonEmptyBytes: Args.Check = {
  expected: "bytes (a Uint8Array, big-endian, not empty)",
  is: (value) => Args.isBytes(value) && value.length > 0
}

const cvcKeyFields = {
  modulus: nonEmptyBytes,
  exponent: nonEmptyBytes,
  issuerKeyId: Args.optional({
    expected: "16 bytes or their hex",
    is: (v) => Args.isBytes(v) || typeof v === "string"
  }),
  name: Args.optional(Args.string)
}

/**
 * Caller-chosen CVC CA keys (the simulator's test CVC CA), labelled custom. A key without `issuerKeyId` is tried for
 * any CVC.
 *
 * Keys of the wrong shape (a JavaScript caller's string for a modulus) threw a TypeError from here. This returns no
 * Effect to fail, so it returns a store without keys that every verification refuses, naming the key and saying what
 * to pass (a `malformed` report); nothing verifies under it.
 */
export const customCvcTrust = (
  keys: ReadonlyArray<{
    readonly modulus: Uint8Array
    readonly exponent: Uint8Array
    readonly issuerKeyId?: Uint8Array | string
    readonly name?: string
  }>
): CvcTrust => {
  const problem = Args.each(
    "keys",
    keys,
    "an array of keys { modulus, exponent, issuerKeyId?, name? }",
    (argument, k) => Args.fields(argument, k, cvcKeyFields, "a key { modulus, exponent, issuerKeyId?, name? }")
  )
  if (problem !== undefined) {
    const refused: CvcTrust = { _tag: "CvcTrust", profile: "custom", keys: [] }
    Args.refusedCvcTrusts.set(refused, problem)
    return refused
  }
  return customCvcKeys(keys)
}

const customCvcKeys = (
  keys: ReadonlyArray<{
    readonly modulus: Uint8Array
    readonly exponent: Uint8Array
    readonly issuerKeyId?: Uint8Array | string
    readonly name?: string
  }>
): CvcTrust => ({
  _tag: "CvcTrust",
  profile: "custom",
  keys: keys.map((k, i) => {
    const key = rsaKey(k.modulus, k.exponent)
    const name = k.name ?? `custom CVC key #${i + 1}`
    const id =
      k.issuerKeyId === undefined ? undefined : typeof k.issuerKeyId === "string" ? k.issuerKeyId : toHex(k.issuerKeyId)
    return {
      issuerKeyId: id?.toUpperCase(),
      name,
      profile: "custom",
      describes: "custom CVC CA key",
      key,
      ref: { name, profile: "custom", source: "custom", sha256: toHex(digestSync("SHA-256", key.n)) }
    } satisfies CvcKey
  })
})
