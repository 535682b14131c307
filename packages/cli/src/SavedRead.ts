/**
 * Saved reads: what `read … --out DIR` writes next to the images, in @jpcard/verify's `Saved` JSON form (the raw EF
 * bytes, base64), so that `jpcard verify DIR/read.json` (or `Saved.decode` + `Saved.verify` on a server) checks the
 * read later. Extra fields (`savedBy`, `savedAt`, files the verification does not use) are ignored by `Saved.decode`.
 * The files hold personal data: they are written `0600`.
 */
import type { Saved } from "@jpcard/verify"
import { Effect } from "effect"
import { base64, joinPath, writePrivate } from "./Output.js"
import { version } from "./Version.js"

export const encode = (kind: Saved.SavedKind, files: object): Record<string, unknown> => {
  const out: Record<string, string> = {}
  for (const [name, bytes] of Object.entries(files)) if (bytes instanceof Uint8Array) out[name] = base64(bytes)
  return { kind, encoding: "base64", files: out, savedBy: `jpcard ${version}`, savedAt: new Date().toISOString() }
}

/** Writes `DIR/<name>` and returns its path. */
export const write = (dir: string, name: string, kind: Saved.SavedKind, files: object) =>
  Effect.gen(function* () {
    const file = yield* joinPath(dir, name)
    yield* writePrivate(file, `${JSON.stringify(encode(kind, files), null, 2)}\n`)
    return file
  })
