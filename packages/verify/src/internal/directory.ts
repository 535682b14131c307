/**
 * Loading residence CA files from a folder against a list of pins (the public entry point passes the embedded ISA
 * fingerprints; tests pass their own).
 *
 * @internal
 */
import { Effect, FileSystem, Path } from "effect"
import type { PlatformError } from "effect/PlatformError"
import type { ResidenceTrust } from "../Trust.js"
import type { PinnedResidenceAnchor } from "../trust/isaResidenceFingerprints.js"
import { AnchorError, type CertificateAnchor, checkAgainstPins } from "./pinning.js"

const certificateFile = /\.(crt|cer|der|pem)$/i

export const fromDirectory = (
  directory: string,
  profile: "production" | "official-test",
  pins: ReadonlyArray<PinnedResidenceAnchor>
): Effect.Effect<ResidenceTrust, AnchorError | PlatformError, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const names = (yield* fs.readDirectory(directory)).filter((n) => certificateFile.test(n)).sort()
    const anchors: Array<CertificateAnchor> = []
    const skipped: Array<{ file: string; reason: string }> = []
    for (const name of names) {
      const bytes = yield* fs.readFile(path.join(directory, name))
      const result = yield* Effect.result(checkAgainstPins({ name, bytes }, profile, pins))
      if (result._tag === "Success") anchors.push(result.success)
      else if (result.failure.reason === "ProfileMismatch") skipped.push({ file: name, reason: result.failure.detail })
      else return yield* result.failure
    }
    if (anchors.length === 0)
      return yield* new AnchorError({
        file: directory,
        reason: "NoAnchors",
        detail: `no ${profile} CA certificate of the agency in this folder`
      })
    return { _tag: "ResidenceTrust", profile, anchors, skipped } satisfies ResidenceTrust
  })
