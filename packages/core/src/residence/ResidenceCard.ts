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
import * as Input from "../Input.js"
import * as Authenticate from "./Authenticate.js"
import { CardNumber } from "./CardNumber.js"
import * as CipherSuite from "./CipherSuite.js"
import { type Detection, detect, detectionCheck } from "./Detect.js"
import type { CardDataError, InvalidArgumentError } from "./Errors.js"
import { NoRequestedFileError, UnsupportedCardError } from "./Errors.js"
import { type Gen1File, type Gen2File, gen1Files, gen2AllFiles } from "./Files.js"
import * as Gen1 from "./Gen1.js"
import * as Gen2 from "./Gen2.js"
import { requireReadArguments } from "./ReadEach.js"
import type { SecureSession } from "./Session.js"

export type { Detection }
export { detect }

export type ResidenceCard = Gen1.ResidenceCardGen1 | Gen2.ResidenceCardGen2
export type ResidenceFile = Gen1File | Gen2File

export interface ReadOptions {
  /**
   * Which files to read (default: all). Each generation reads the names that apply to it (so a list may mix both
   * generations' names); a list of which this card has none is a `NoRequestedFileError`, not an empty read.
   */
  readonly files?: ReadonlyArray<ResidenceFile>
  /** Require this generation: a card of the other one fails before any secret is sent. */
  readonly generation?: 1 | 2
  /** Progress after each file: the file, how many are done, how many in all. */
  readonly onFile?: (file: ResidenceFile, done: number, total: number) => void
}

const isFileName = (value: unknown): boolean =>
  typeof value === "string" && (gen1Files.includes(value as Gen1File) || gen2AllFiles.includes(value as Gen2File))

const generationCheck = Input.oneOf([1, 2], "1 or 2")

/** What `ReadOptions` may hold, checked at run time before any APDU (a JavaScript caller may pass anything). */
const readOptionChecks = {
  files: Input.arrayOf(isFileName, 'an array of file names of either generation (e.g. ["address", "signature"])'),
  generation: generationCheck,
  onFile: Input.func
}

/** The cipher suite for a detected card, or the reason it cannot be authenticated. */
export const cipherSuiteFor = (
  detection: Detection,
  required?: 1 | 2
): Effect.Effect<CipherSuite.CipherSuite, UnsupportedCardError | InvalidArgumentError> =>
  Effect.gen(function* () {
    yield* Input.requireArgument("residence.cipherSuiteFor", "detection", detection, detectionCheck)
    if (required !== undefined)
      yield* Input.requireArgument("residence.cipherSuiteFor", "required", required, generationCheck)
    if (detection.generation === "specified")
      return yield* new UnsupportedCardError({
        step: "residence.detect",
        kind: "SpecifiedCard",
        cardType: detection.cardType
      })
    if (required !== undefined && required !== detection.generation)
      return yield* new UnsupportedCardError({
        step: "residence.detect",
        kind: "GenerationMismatch",
        cardType: detection.cardType
      })
    return detection.generation === 1 ? CipherSuite.tdes : CipherSuite.aes
  })

/**
 * Card-number authentication for a detected card. The card number is validated before any APDU; a wrong number is a
 * `ResidenceAuthenticationError` and is never retried.
 */
export const authenticate = Effect.fn("residence.authenticate")(function* (
  cardNumber: string,
  detection: Detection,
  options: { readonly generation?: 1 | 2 } = {}
) {
  const step = "residence.authenticate"
  const number = yield* CardNumber.parse(cardNumber)
  yield* Input.requireArgument(step, "detection", detection, detectionCheck)
  yield* Input.requireOptions(step, options, { generation: generationCheck })
  const suite = yield* cipherSuiteFor(detection, options?.generation)
  return yield* Authenticate.authenticate(number, suite)
})

const gen1Only = (files: ReadonlyArray<ResidenceFile>) =>
  files.filter((f): f is Gen1File => Object.hasOwn(gen1Names, f))
const gen2Only = (files: ReadonlyArray<ResidenceFile>) =>
  files.filter((f): f is Gen2File => Object.hasOwn(gen2Names, f))

/**
 * Fails when a non-empty `files` names nothing this card has (the other generation's names only, or files its card
 * type lacks): an empty read would pass for a card holding nothing. `files: []` asks for nothing and gets nothing.
 */
const requireSomeFile = (
  step: string,
  detection: Detection,
  files: ReadonlyArray<ResidenceFile> | undefined
): Effect.Effect<void, NoRequestedFileError> => {
  if (files === undefined || files.length === 0 || detection.generation === "specified") return Effect.void
  const generation = detection.generation
  const planned =
    generation === 1
      ? Gen1.plannedFiles(detection.cardType, { files: gen1Only(files) })
      : Gen2.plannedFiles(detection.cardType, { files: gen2Only(files) })
  if (planned.length > 0) return Effect.void
  const available = generation === 1 ? Gen1.plannedFiles(detection.cardType) : Gen2.plannedFiles(detection.cardType)
  return Effect.fail(new NoRequestedFileError({ step, generation, requested: [...files], available: [...available] }))
}

/** Reads the chosen files of an authenticated card (the generation's own files, in card order). */
export const readFiles = (session: SecureSession, detection: Detection, options: ReadOptions = {}) =>
  Effect.gen(function* () {
    yield* requireReadArguments("residence.readFiles", session, detection, options, readOptionChecks.files)
    const onFile = options?.onFile
    const common = { ...(onFile ? { onFile } : {}) }
    const files = options?.files
    yield* requireSomeFile("residence.readFiles", detection, files)
    const raw: Gen1.RawFiles | Gen2.RawFiles =
      detection.generation === 1
        ? yield* Gen1.readFiles(session, detection, { ...common, ...(files ? { files: gen1Only(files) } : {}) })
        : yield* Gen2.readFiles(session, detection, { ...common, ...(files ? { files: gen2Only(files) } : {}) })
    return raw
  })

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
): Effect.Effect<ResidenceCard, CardDataError | InvalidArgumentError> =>
  Effect.gen(function* () {
    // The detection picks the parser; each parser checks the files itself (ResidenceGen1.parse, ResidenceGen2.parse).
    yield* Input.requireArgument("residence.parse", "detection", detection, detectionCheck)
    const card: ResidenceCard =
      detection.generation === 1
        ? yield* Gen1.parse(detection, raw as Gen1.RawFiles)
        : yield* Gen2.parse(detection, raw as Gen2.RawFiles)
    return card
  })

/**
 * Reads a residence card end to end: validate the number, detect, authenticate with the generation's cipher suite,
 * read the chosen files (all by default) and parse them.
 */
export const read = Effect.fn("residence.read")(function* (cardNumber: string, options: ReadOptions = {}) {
  const number = yield* CardNumber.parse(cardNumber)
  yield* Input.requireOptions("residence.read", options, readOptionChecks)
  const detection = yield* detect()
  const suite = yield* cipherSuiteFor(detection, options?.generation)
  // Before the card number is sent: asking for files this card does not have is the caller's mistake, not the card's.
  yield* requireSomeFile("residence.read", detection, options?.files)
  const session = yield* Authenticate.authenticate(number, suite)
  const raw = yield* readFiles(session, detection, options)
  const card: ResidenceCard = yield* parse(detection, raw)
  return card
})
