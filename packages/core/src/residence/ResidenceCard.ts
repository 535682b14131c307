/**
 * The residence card read pipeline as named steps: `detect`, `authenticate`, `readFiles`, `parse`, and all of them
 * at once with `read`. Each step is an Effect over `CardTransport`, so any transport (PC/SC, a phone, the simulator)
 * runs it, and a caller can run the steps one by one (e.g. detect, ask the user for the number, then read).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Authenticate from "./Authenticate.js"
import { CardNumber } from "./CardNumber.js"
import * as CipherSuite from "./CipherSuite.js"
import { detect, type Detection } from "./Detect.js"
import { UnsupportedCardError } from "./Errors.js"
import type { Gen1File } from "./Files.js"
import * as Gen1 from "./Gen1.js"

export { detect }

export interface ReadOptions extends Gen1.ReadOptions {
  /** Progress after each file: the file, how many are done, how many in all. */
  readonly onFile?: (file: Gen1File, done: number, total: number) => void
}

/** The cipher suite for a detected card, or the reason this reader cannot authenticate it. */
export const cipherSuiteFor = (detection: Detection) => {
  switch (detection.generation) {
    case 1:
      return Effect.succeed(CipherSuite.tdes)
    case 2:
      return Effect.fail(
        new UnsupportedCardError({ step: "residence.detect", kind: "SecondGeneration", cardType: detection.cardType })
      )
    case "specified":
      return Effect.fail(
        new UnsupportedCardError({ step: "residence.detect", kind: "SpecifiedCard", cardType: detection.cardType })
      )
  }
}

/**
 * Card-number authentication for a detected card. The card number is validated before any APDU; a wrong number is a
 * `ResidenceAuthenticationError` and is never retried.
 */
export const authenticate = Effect.fn("residence.authenticate")(function* (cardNumber: string, detection: Detection) {
  const number = yield* CardNumber.parse(cardNumber)
  const suite = yield* cipherSuiteFor(detection)
  return yield* Authenticate.authenticate(number, suite)
})

/**
 * Reads a residence card end to end: validate the number, detect, authenticate, read the chosen files (all by
 * default) and parse them.
 */
export const read = Effect.fn("residence.read")(function* (cardNumber: string, options: ReadOptions = {}) {
  const number = yield* CardNumber.parse(cardNumber)
  const detection = yield* detect()
  const suite = yield* cipherSuiteFor(detection)
  const session = yield* Authenticate.authenticate(number, suite)
  const raw = yield* Gen1.readFiles(session, detection, options)
  return yield* Gen1.parse(detection, raw)
})
