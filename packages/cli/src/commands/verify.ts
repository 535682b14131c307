/**
 * `jpcard verify FILE…`: verify saved reads (what `read … --out DIR` writes) without the card, e.g. later on a server.
 */
import { Report, Saved } from "@jpcard/verify"
import { Console, Effect, FileSystem, Option, Path } from "effect"
import { Argument, Command } from "effect/cli"
import { InvalidInputError } from "../Errors.js"
import { toggle } from "../Flags.js"
import { progress } from "../Output.js"
import { cvcTrust, reportText, requireVerified, residenceTrust, trustFlags, verifyOptions } from "../Verification.js"

/** The saved reads a path names: the file itself, or every `read.json` / `*.read.json` in a folder. */
const savedFiles = (target: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const info = yield* fs.stat(target)
    if (info.type !== "Directory") return [target]
    const names = (yield* fs.readDirectory(target)).filter((n) => n === "read.json" || n.endsWith(".read.json")).sort()
    if (names.length === 0)
      return yield* new InvalidInputError({
        detail: `${target} holds no saved read (read.json or *.read.json, as \`jpcard read … --out DIR\` writes)`
      })
    return names.map((n) => path.join(target, n))
  })

export const verify = Command.make(
  "verify",
  {
    files: Argument.String("file").pipe(
      Argument.withDescription(
        "a saved read (DIR/read.json, DIR/kenhojo.read.json, … as `jpcard read … --out DIR` writes them, or any JSON in @jpcard/verify's saved-read form), or a folder of them"
      ),
      Argument.variadic({ min: 1 })
    ),
    json: toggle("json", "print the reports as JSON (an array) instead of text"),
    ...trustFlags
  },
  (c) =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const files: Array<string> = []
      for (const target of c.files) files.push(...(yield* savedFiles(target)))
      const reads: Array<{ readonly file: string; readonly read: Saved.SavedRead }> = []
      for (const file of files) {
        const text = yield* fs.readFileString(file)
        const read = yield* Saved.decode(text).pipe(
          Effect.mapError(
            (e) => new InvalidInputError({ detail: `${file}: not a saved read jpcard can verify (${e.message})` })
          )
        )
        reads.push({ file, read })
      }
      const residence = reads.some((r) => r.read.kind.startsWith("residence")) ? yield* residenceTrust(c) : undefined
      if (residence === undefined && reads.some((r) => r.read.kind.startsWith("residence")))
        progress(
          "warning: no trust anchors given: pass --trust DIR with the agency's CA files (or --trust-test-ca for a simulated card)"
        )
      if (Option.isSome(c.trust) && !residence) progress("note: --trust applies to residence cards only")
      const cvc = yield* cvcTrust(c)
      const reports: Array<Report.Report> = []
      for (const { file, read } of reads) {
        const report = yield* Saved.verify(
          read,
          { ...(residence !== undefined ? { residence } : {}), cvc },
          verifyOptions
        )
        reports.push(report)
        if (!c.json) yield* Console.log(`${file}: ${reportText(report)}`)
      }
      if (c.json) yield* Console.log(`[${reports.map((r) => Report.toJson(r)).join(",\n")}]`)
      yield* requireVerified(reports)
    })
).pipe(
  Command.withDescription(
    "Verify saved reads without the card: residence cards against the agency's CA files (--trust DIR, fingerprints pinned in jpcard), My Number card records against the J-LIS keys. Text by default, JSON with --json; exit code 5 when anything does not verify"
  )
)
