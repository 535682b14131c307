/**
 * The read loop both generations share: files in card order, each DF selected once (it stays current until another
 * is selected, ISO/IEC 7816-4 §7.1.1), progress reported per file; and how each EF is read.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Input from "../Input.js"
import * as Iso7816 from "../iso7816/Iso7816.js"
import { detectionCheck } from "./Detect.js"
import { aid, type Df } from "./Files.js"
import * as SecureMessaging from "./SecureMessaging.js"
import { SecureSession } from "./Session.js"

const sessionCheck: Input.Check = {
  expected: "the session authenticate() returned",
  is: (value) => value instanceof SecureSession
}

/**
 * The arguments of a `readFiles`, checked before any APDU (a JavaScript caller may pass anything): the session, the
 * detection, and options with `files` (names that pass `isFile`) and `onFile` (a function), each optional.
 */
export const requireReadArguments = (
  step: string,
  session: unknown,
  detection: unknown,
  options: unknown,
  files: Input.Check
) =>
  Effect.gen(function* () {
    yield* Input.requireArgument(step, "session", session, sessionCheck)
    yield* Input.requireArgument(step, "detection", detection, detectionCheck)
    yield* Input.requireOptions(step, options, { files, onFile: Input.func })
  })

/**
 * Reads one EF after authentication; the caller must have selected its DF. DF1 files go under secure messaging (they
 * can be read no other way); DF2 files too, because they hold personal data and the contactless link can be
 * overheard; DF3 (signature and certificate) is read in plain, as in the spec's worked example (別添2, p. 39).
 */
export const readEf = (session: SecureSession, df: Df, options: SecureMessaging.SecureReadOptions) =>
  df === "df3" ? Iso7816.readFile(options) : SecureMessaging.readFile(session, options)

export const readEach = <F extends string, E, R>(
  generation: "gen1" | "gen2",
  files: ReadonlyArray<F>,
  dfOf: (file: F) => keyof typeof aid,
  read: (file: F) => Effect.Effect<Uint8Array, E, R>,
  onFile?: (file: F, done: number, total: number) => void
) =>
  Effect.gen(function* () {
    const raw: Partial<Record<F, Uint8Array>> = {}
    let selected: keyof typeof aid | undefined
    let done = 0
    for (const file of files) {
      const df = dfOf(file)
      if (selected !== df) {
        yield* Iso7816.selectAid(aid[df], `residence.${generation}.select.${df}`)
        selected = df
      }
      raw[file] = yield* read(file)
      onFile?.(file, ++done, files.length)
    }
    return raw
  })
