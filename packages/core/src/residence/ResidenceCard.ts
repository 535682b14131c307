/**
 * The residence card read pipeline as named steps: `detect`, `authenticate`, `readFiles`, `parse`, and all of them
 * at once with `read`. Each step is an Effect over `CardTransport`, so any transport (PC/SC, a phone, the simulator)
 * runs it, and a caller can run the steps one by one (e.g. detect, ask the user for the number, then read).
 *
 * The generation is chosen from the card type (MF/EF02) before authenticating: a second-generation card answers the
 * first-generation handshake with 63 00 (shared/reference/residence-card.md §1).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Authenticate from "./Authenticate.js"
import { CardNumber } from "./CardNumber.js"
import * as CipherSuite from "./CipherSuite.js"
import { type Detection, detect } from "./Detect.js"
import { type CardDataError, UnsupportedCardError } from "./Errors.js"
import type { Gen1File, Gen2File } from "./Files.js"
import * as Gen1 from "./Gen1.js"
import * as Gen2 from "./Gen2.js"
import type { SecureSession } from "./Session.js"

export type { Detection }
export { detect }

export type ResidenceCard = Gen1.ResidenceCardGen1 | Gen2.ResidenceCardGen2
export type ResidenceFile = Gen1File | Gen2File

export interface ReadOptions {
  /** Which files to read (default: all). Each generation reads the names that apply to it. */
  readonly files?: ReadonlyArray<ResidenceFile>
  /** Require this generation: a card of the other one fails before any secret is sent. */
  readonly generation?: 1 | 2
  /** Progress after each file: the file, how many are done, how many in all. */
  readonly onFile?: (file: ResidenceFile, done: number, total: number) => void
}

/** The cipher suite for a detected card, or the reason it cannot be authenticated. */
export const cipherSuiteFor = (detection: Detection, required?: 1 | 2) => {
  if (detection.generation === "specified")
    return Effect.fail(
      new UnsupportedCardError({ step: "residence.detect", kind: "SpecifiedCard", cardType: detection.cardType })
    )
  if (required !== undefined && required !== detection.generation)
    return Effect.fail(
      new UnsupportedCardError({ step: "residence.detect", kind: "GenerationMismatch", cardType: detection.cardType })
    )
  return Effect.succeed(detection.generation === 1 ? CipherSuite.tdes : CipherSuite.aes)
}

/**
 * Card-number authentication for a detected card. The card number is validated before any APDU; a wrong number is a
 * `ResidenceAuthenticationError` and is never retried.
 */
export const authenticate = Effect.fn("residence.authenticate")(function* (
  cardNumber: string,
  detection: Detection,
  options: { readonly generation?: 1 | 2 } = {}
) {
  const number = yield* CardNumber.parse(cardNumber)
  const suite = yield* cipherSuiteFor(detection, options.generation)
  return yield* Authenticate.authenticate(number, suite)
})

/** Reads the chosen files of an authenticated card (the generation's own files, in card order). */
export const readFiles = (session: SecureSession, detection: Detection, options: ReadOptions = {}) => {
  const onFile = options.onFile
  const common = { ...(onFile ? { onFile } : {}) }
  return detection.generation === 1
    ? Gen1.readFiles(session, detection, {
        ...common,
        ...(options.files ? { files: options.files.filter((f): f is Gen1File => f in gen1Names) } : {})
      })
    : Gen2.readFiles(session, detection, {
        ...common,
        ...(options.files ? { files: options.files.filter((f): f is Gen2File => f in gen2Names) } : {})
      })
}

const gen1Names: Record<Gen1File, true> = {
  frontImage: true,
  faceImage: true,
  address: true,
  comprehensivePermission: true,
  individualPermission: true,
  renewalApplication: true,
  signature: true
}
const gen2Names: Record<Gen2File, true> = {
  cardNumber: true,
  printedEntries: true,
  nameAndFace: true,
  addressImage: true,
  permissions: true,
  renewalApplication: true,
  otherEntries: true,
  signature: true
}

/** Parses what `readFiles` returned into the generation's domain model. */
export const parse = (
  detection: Detection,
  raw: Gen1.RawFiles | Gen2.RawFiles
): Effect.Effect<ResidenceCard, CardDataError> =>
  detection.generation === 1 ? Gen1.parse(detection, raw as Gen1.RawFiles) : Gen2.parse(detection, raw as Gen2.RawFiles)

/**
 * Reads a residence card end to end: validate the number, detect, authenticate with the generation's cipher suite,
 * read the chosen files (all by default) and parse them.
 */
export const read = Effect.fn("residence.read")(function* (cardNumber: string, options: ReadOptions = {}) {
  const number = yield* CardNumber.parse(cardNumber)
  const detection = yield* detect()
  const suite = yield* cipherSuiteFor(detection, options.generation)
  const session = yield* Authenticate.authenticate(number, suite)
  const raw = yield* readFiles(session, detection, options)
  const card: ResidenceCard = yield* parse(detection, raw)
  return card
})
