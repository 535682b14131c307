/**
 * Output conventions: data on stdout (JSON with `--json`, text otherwise), progress and warnings on stderr. Files a
 * read writes hold personal data: folders are created `0700` and files `0600`.
 */
import { chmodSync, lstatSync } from "node:fs"
import { Effect, FileSystem, Path } from "effect"

export const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0"))
    .join("")
    .toUpperCase()

export const base64 = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64")

export const progress = (line: string): void => console.error(line)

/** Creates the output folder (`0700` when new). */
export const makeOutDir = (dir: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    yield* fs.makeDirectory(dir, { recursive: true, mode: 0o700 })
  })

/**
 * An existing regular file of this user, itself (not a link), made `0600`: the mode given to a write applies only when
 * it creates the file, so a read saved again into the same folder would keep a mode others can read. Anything else is
 * left as it is: a link's target, a device (`--out /dev/stdout`, `/dev/null`: changing its mode would affect the whole
 * system when run as root), another user's file. Best effort: a file it cannot change is written as before.
 */
const tightenExisting = (file: string) =>
  Effect.sync(() => {
    try {
      const info = lstatSync(file)
      const mine = typeof process.getuid !== "function" || info.uid === process.getuid()
      if (info.isFile() && mine && (info.mode & 0o077) !== 0) chmodSync(file, 0o600)
    } catch {
      // Absent (the write creates it 0600) or not ours to change.
    }
  })

/** Writes a file readable by its owner only (see `tightenExisting` for one that already exists). */
export const writePrivate = (file: string, data: Uint8Array | string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    yield* tightenExisting(file)
    if (typeof data === "string") yield* fs.writeFileString(file, data, { mode: 0o600 })
    else yield* fs.writeFile(file, data, { mode: 0o600 })
  })

export const joinPath = (...parts: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const path = yield* Path.Path
    return path.join(...parts)
  })

/**
 * A JSON-ready value as indented text for people: objects as `key: value`, arrays as `- item`, text objects
 * (`{ text, encoding }`) as their text.
 */
export const toText = (value: unknown, indent = ""): string => {
  const lines: Array<string> = []
  const scalar = (v: unknown): string | undefined => {
    if (v === null) return "none"
    if (typeof v === "string") return v
    if (typeof v === "number" || typeof v === "boolean") return String(v)
    if (typeof v === "object" && v !== null && "text" in v && "encoding" in v && Object.keys(v).length === 2)
      return String((v as { text: unknown }).text)
    // A coded value (`{ code, label: { ja, en }, source, key }`): the code and its labels.
    if (
      typeof v === "object" &&
      v !== null &&
      "code" in v &&
      Object.keys(v).every((k) => ["code", "label", "source", "key"].includes(k))
    ) {
      const { code, label } = v as { code: unknown; label?: { ja?: unknown; en?: unknown } }
      const names = [label?.ja, label?.en].filter((n) => typeof n === "string")
      return names.length > 0 ? `${String(code)} (${names.join(" / ")})` : String(code)
    }
    if (Array.isArray(v) && v.every((x) => typeof x === "string" || typeof x === "number"))
      return v.length === 0 ? "none" : v.join(", ")
    if (typeof v === "object" && v !== null && Object.keys(v).length === 0) return "none"
    return undefined
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      const s = scalar(item)
      if (s !== undefined) lines.push(`${indent}- ${s}`)
      else lines.push(`${indent}-`, toText(item, `${indent}  `))
    }
  } else if (typeof value === "object" && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined) continue
      const s = scalar(v)
      if (s !== undefined) lines.push(`${indent}${key}: ${s}`)
      else lines.push(`${indent}${key}:`, toText(v, `${indent}  `))
    }
  } else lines.push(`${indent}${scalar(value) ?? String(value)}`)
  return lines.join("\n")
}
