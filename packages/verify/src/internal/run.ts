/**
 * Running a verifier: the time to check against, the caller's arguments checked first, and a guard that turns any
 * unexpected exception into a `malformed` report (never `verified`).
 *
 * @internal
 */
import { Clock, Effect } from "effect"
import * as Report from "../Report.js"
import { type Call, describe, optionsProblem, type Problem } from "./args.js"
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

const now: Effect.Effect<Date> = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms))

const timeOf = (options: VerifyOptions): Effect.Effect<Date> =>
  options.at !== undefined ? Effect.succeed(options.at) : now

/** An exception inside a verifier, as a report. */
const malformed = (kind: Report.ReportKind, at: Date, e: unknown): Report.Report =>
  Report.make(
    kind,
    [
      {
        object: kind,
        verdict: "malformed",
        authentic: false,
        detail: `could not be checked: ${e instanceof Error ? e.message : `a thrown ${typeof e}`}`
      }
    ],
    at
  )

/** An argument of the wrong shape, as a report: nothing was verified. */
const refused = (kind: Report.ReportKind, at: Date, step: string, problem: Problem): Report.Report =>
  Report.make(
    kind,
    [
      {
        object: problem.argument,
        verdict: "malformed",
        authentic: false,
        detail: `${describe(step, problem)} (nothing was verified)`
      }
    ],
    at
  )

/**
 * A verifier as an Effect: `run` gets the time to check against (`options.at`, else Effect's `Clock`); an exception
 * it throws or a rejection becomes a `malformed` report, never `verified`.
 *
 * The options and the arguments (`call.problem`, the first one of the wrong shape) are checked first: a wrong one is a
 * `malformed` report naming the entry point (`call.step`) and the argument, and saying what to pass. A verification
 * reports on whatever it is given, and its error channel stays empty. Without these checks `options.at` of a date
 * from JSON (a string) threw inside `Report.make` (a defect), and a misspelt option was read as its default.
 */
export const verifying = <R extends Report.Report>(
  kind: Report.ReportKind,
  options: VerifyOptions,
  call: Call,
  run: (at: Date) => Promise<R>
): Effect.Effect<R | Report.Report> =>
  Effect.suspend(() => {
    let problem: Problem | undefined
    try {
      // Options first: with a wrong `at`, the report is dated by the Clock.
      const wrongOption = optionsProblem(options)
      if (wrongOption !== undefined) return Effect.map(now, (at) => refused(kind, at, call.step, wrongOption))
      problem = call.problem()
    } catch (e) {
      // A getter of the input that throws (the message is the caller's own).
      return Effect.map(timeOf(options), (at) => malformed(kind, at, e))
    }
    const found = problem
    return Effect.flatMap(timeOf(options), (at) =>
      found !== undefined
        ? Effect.succeed(refused(kind, at, call.step, found))
        : Effect.promise(() => {
            // A `run` that is not an async function (the residence verifiers read the signature and certificate
            // before their first await) throws synchronously: caught here too, else it was a defect instead of a
            // report.
            try {
              return run(at).catch((e) => malformed(kind, at, e))
            } catch (e) {
              return Promise.resolve(malformed(kind, at, e))
            }
          })
    )
  })
