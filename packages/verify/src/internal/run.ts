/**
 * Running a verifier: the time to check against, and a guard that turns any unexpected exception into a `malformed`
 * report (never `verified`).
 *
 * @internal
 */
import { Clock, Effect } from "effect"
import * as Report from "../Report.js"
import type { Backend } from "./crypto.js"

export interface VerifyOptions {
  /** Validity of certificates and anchors is checked at this time (default: now, from Effect's `Clock`). */
  readonly at?: Date
  /** Force an implementation: `portable` runs without WebCrypto (noble and bigint). Default: WebCrypto if present. */
  readonly backend?: Backend
  /**
   * Put the SHA-256 of the covered bytes in every check's `covered` (to match a report to the stored data it
   * verified). Default off: hashing a 10 kB residence image block twice (once inside the signature check) costs more
   * than the check on WebCrypto.
   */
  readonly coveredDigests?: boolean
}

const timeOf = (options: VerifyOptions): Effect.Effect<Date> =>
  options.at !== undefined ? Effect.succeed(options.at) : Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms))

/**
 * A verifier as an Effect: `run` gets the time to check against (`options.at`, else Effect's `Clock`); an exception
 * it throws or a rejection becomes a `malformed` report, never `verified`.
 */
export const verifying = <R extends Report.Report>(
  kind: Report.ReportKind,
  options: VerifyOptions,
  run: (at: Date) => Promise<R>
): Effect.Effect<R | Report.Report> =>
  Effect.flatMap(timeOf(options), (at) => {
    const malformed = (e: unknown): Report.Report =>
      Report.make(
        kind,
        [
          {
            object: kind,
            verdict: "malformed",
            authentic: false,
            detail: `could not be checked: ${e instanceof Error ? e.message : String(e)}`
          }
        ],
        at
      )
    return Effect.promise(() => {
      // A `run` that is not an async function (the residence verifiers read the signature and certificate before
      // their first await) throws synchronously: caught here too, else it was a defect instead of a report.
      try {
        return run(at).catch(malformed)
      } catch (e) {
        return Promise.resolve(malformed(e))
      }
    })
  })
