/**
 * Trust flags and reports, shared by `jpcard verify` and `read … --verify`.
 *
 * - Residence cards: `--trust DIR`, the agency's CA files the user downloaded (each file's SHA-256 must match a
 *   fingerprint pinned in @jpcard/verify), with `--profile production|official-test`.
 * - My Number card records: the J-LIS CVC keys embedded in @jpcard/verify (`--profile official-test`: J-LIS's test
 *   hierarchy). JPKI certificates: the embedded J-LIS roots.
 * - `--trust-test-ca`: the simulators' fictitious test CAs instead, labelled `custom` in every report and flagged in
 *   the text output, so a simulated card's "verified" is never mistaken for a real card's.
 *
 * Verification runs on node:crypto (`@jpcard/verify/node`); reports carry the digests of the covered bytes.
 */
import { MyNumberCard } from "@jpcard/sim"
import * as Fixtures from "@jpcard/sim/fixtures/data"
import { type Report, Trust, TrustFs } from "@jpcard/verify"
import { nodeCryptoProvider } from "@jpcard/verify/node"
import { Effect, Option } from "effect"
import { Flag } from "effect/cli"
import { InvalidInputError, VerificationFailedError } from "./Errors.js"
import { toggle } from "./Flags.js"
import { progress } from "./Output.js"

/**
 * The options every verification gets: node:crypto for speed, and the SHA-256 of the covered bytes in every check, so
 * a saved report can be matched to the data it verified.
 */
export const verifyOptions = { backend: nodeCryptoProvider, coveredDigests: true } as const

export const trustFlags = {
  trust: Flag.String("trust").pipe(
    Flag.withDescription(
      "residence cards: a folder with the Immigration Services Agency's CA certificate files (.crt/.cer/.der/.pem) you downloaded from the agency; each must match a fingerprint pinned in jpcard"
    ),
    Flag.optional
  ),
  profile: Flag.Literals("profile", ["production", "official-test"]).pipe(
    Flag.withDescription(
      "which issuer material to trust: production (default), or the issuers' official test CAs (the agency's test CA with --trust; J-LIS's test keys for My Number cards)"
    ),
    Flag.withDefault("production" as const)
  ),
  trustTestCa: toggle(
    "trust-test-ca",
    "trust the fictitious test CAs of jpcard's simulated cards (`jpcard sim …`) instead; reports label them custom. Never use this for a real card"
  )
}

export interface TrustOptions {
  readonly trust: Option.Option<string>
  readonly profile: "production" | "official-test"
  readonly trustTestCa: boolean
}

const TEST_LABEL = "jpcard simulator test CA (--trust-test-ca)"

const exclusive = (options: TrustOptions) =>
  options.trustTestCa && Option.isSome(options.trust)
    ? Effect.fail(new InvalidInputError({ detail: "--trust and --trust-test-ca exclude each other: choose one" }))
    : Effect.void

/** The residence trust store the flags name, or `undefined` when none was given (reports then say unknown-issuer). */
export const residenceTrust = (options: TrustOptions) =>
  Effect.gen(function* () {
    yield* exclusive(options)
    if (options.trustTestCa)
      return yield* Trust.customResidenceTrust(
        [Fixtures.residenceGen1TestCaCertDer, Fixtures.residenceGen2TestCaCertDer],
        { label: TEST_LABEL }
      )
    if (Option.isNone(options.trust)) return undefined
    const store = yield* TrustFs.residenceTrustFromDirectory(options.trust.value, { profile: options.profile })
    for (const skipped of store.skipped) progress(`trust: skipped ${skipped.file}: ${skipped.reason}`)
    return store
  })

/** The CVC trust for My Number card records. */
export const cvcTrust = (options: TrustOptions) =>
  Effect.gen(function* () {
    yield* exclusive(options)
    if (options.trustTestCa)
      return Trust.customCvcTrust(
        [MyNumberCard.KeyIds.kenhojoCa, MyNumberCard.KeyIds.kenkakuCa, MyNumberCard.KeyIds.mfRoot].map(
          (issuerKeyId) => ({
            modulus: Fixtures.myNumberCvcCaModulus,
            exponent: Fixtures.myNumberCvcCaExponent,
            issuerKeyId,
            name: TEST_LABEL
          })
        )
      )
    return Trust.jlisCvcTrust(options.profile === "official-test" ? "test" : "production")
  })

/** The JPKI trust: the J-LIS roots, or the simulator's JPKI-like test CAs. */
export const jpkiTrust = (options: Pick<TrustOptions, "trustTestCa">) =>
  options.trustTestCa
    ? Trust.customJpkiTrust([Fixtures.myNumberJpkiAuthCaCertDer, Fixtures.myNumberJpkiSignCaCertDer], {
        label: TEST_LABEL
      })
    : Effect.succeed(Trust.jlisTrust())

const date = (iso: string | undefined) => (iso === undefined ? undefined : iso.slice(0, 10))

/** A report as text lines for people. */
export const reportText = (report: Report.Report): string => {
  const lines = [report.summary]
  for (const check of report.checks) {
    const parts = [check.algorithm, check.form].filter((p) => p !== undefined).join(", ")
    const signer = check.signer === undefined ? "" : `; signer ${check.signer}`
    const until = date(check.validity?.notAfter)
    const validity =
      check.validity === undefined
        ? ""
        : check.validity.status === "not-yet-valid"
          ? `; not valid before ${date(check.validity.notBefore)}`
          : `; ${check.validity.status === "valid" ? "valid until" : "expired on"} ${until}`
    const detail = check.detail === undefined || check.verdict === "verified" ? "" : `; ${check.detail}`
    lines.push(`  [${check.verdict}] ${check.object}${parts ? `: ${parts}` : ""}${signer}${validity}${detail}`)
  }
  for (const note of report.notes ?? []) lines.push(`  note: ${note}`)
  const custom = report.anchor?.profile === "custom" || report.checks.some((c) => c.anchor?.profile === "custom")
  if (custom)
    lines.push(
      "  warning: this chain ends at a custom anchor (the simulators' test CAs): it says nothing about a real card"
    )
  return lines.join("\n")
}

/** Fails with exit code 5 unless every report's verdict is `verified`. */
export const requireVerified = (reports: ReadonlyArray<Report.Report>) => {
  const failed = reports.find((r) => r.verdict !== "verified")
  return failed === undefined
    ? Effect.void
    : Effect.fail(new VerificationFailedError({ verdict: failed.verdict, summary: failed.summary }))
}
