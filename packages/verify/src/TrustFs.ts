/**
 * Loading the residence card CA files from a folder, through Effect's `FileSystem` and `Path` services (provide
 * `NodeServices.layer` from `@effect/platform-node` in Node; nothing here imports a Node built-in).
 *
 * @since 0.1.0
 */
import { Effect, type FileSystem, type Path } from "effect"
import type { PlatformError } from "effect/PlatformError"
import * as Args from "./internal/args.js"
import { fromDirectory } from "./internal/directory.js"
import { type AnchorError, invalidArgument, residenceProfile } from "./internal/pinning.js"
import type { ResidenceProfile, ResidenceTrust } from "./Trust.js"
import { isaResidenceAnchors } from "./trust/isaResidenceFingerprints.js"

/**
 * A residence trust store from every certificate file (`.crt`, `.cer`, `.der`, `.pem`) in `directory`, e.g. the
 * unpacked official archives. Each must match a pinned fingerprint: an unknown file fails with `FingerprintMismatch`.
 * Files of the other profile (the official test CA in a production store, or the reverse) are left out and listed in
 * `skipped`; files with other extensions are ignored.
 */
export const residenceTrustFromDirectory = (
  directory: string,
  options: { readonly profile?: ResidenceProfile } = {}
): Effect.Effect<ResidenceTrust, AnchorError | PlatformError, FileSystem.FileSystem | Path.Path> =>
  Effect.suspend(() => {
    // Checked first: a JavaScript caller's `null` options threw, and an unknown profile made every file a mismatch.
    const problem =
      Args.check("directory", directory, Args.string) ??
      (options === undefined
        ? undefined
        : Args.fields("options", options, { profile: Args.optional(residenceProfile) }, "an object (or absent)"))
    return problem !== undefined
      ? Effect.fail(invalidArgument("TrustFs.residenceTrustFromDirectory", problem))
      : fromDirectory(directory, options.profile ?? "production", isaResidenceAnchors)
  })
