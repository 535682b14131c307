/**
 * Cards as JSON for people and scripts: images are written to files (native format and PNG) and referenced by path,
 * other bytes become base64, raw EF contents are left out (they go to the saved read instead).
 */
import type { ResidenceCard } from "@jpcard/core"
import { Effect, FileSystem, Path } from "effect"
import { extensionOf, toPng } from "./Images.js"

type Format = "tiff" | "jpeg2000" | "png"
const isImage = (value: unknown): value is { format: Format; data: Uint8Array } =>
  typeof value === "object" &&
  value !== null &&
  "format" in value &&
  "data" in value &&
  (value as { data: unknown }).data instanceof Uint8Array

const toBase64 = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64")

export interface RenderOptions {
  /** Where to write images; no images are written when absent. */
  readonly outDir?: string
  /** Warnings (e.g. an image that could not be converted to PNG) go here. */
  readonly warn: (message: string) => void
}

/**
 * Renders any card model to JSON-ready data. Image objects become `{ format, bytes, file, png }`; `raw` is dropped.
 */
export const render = Effect.fn("cli.render")(function* (card: object, options: RenderOptions) {
  const fs = yield* FileSystem.FileSystem
  const path = yield* Path.Path
  if (options.outDir !== undefined) yield* fs.makeDirectory(options.outDir, { recursive: true })
  const visit = (value: unknown, key: string): Effect.Effect<unknown, never, never> =>
    Effect.gen(function* () {
      if (value instanceof Uint8Array) return toBase64(value)
      if (isImage(value)) {
        const out: Record<string, unknown> = { format: value.format, bytes: value.data.length }
        if (options.outDir !== undefined) {
          const file = path.join(options.outDir, `${key}.${extensionOf(value.format)}`)
          yield* fs.writeFile(file, value.data).pipe(Effect.orDie)
          out.file = file
          if (value.format !== "png") {
            const png = yield* Effect.result(toPng(value.format, value.data))
            if (png._tag === "Success") {
              const pngFile = path.join(options.outDir, `${key}.png`)
              yield* fs.writeFile(pngFile, png.success).pipe(Effect.orDie)
              out.png = pngFile
            } else options.warn(png.failure.message)
          }
        }
        return out
      }
      if (Array.isArray(value)) return yield* Effect.forEach(value, (v, i) => visit(v, `${key}-${i}`))
      if (typeof value === "object" && value !== null) {
        const out: Record<string, unknown> = {}
        for (const [k, v] of Object.entries(value)) {
          if (k === "raw") continue
          out[k] = yield* visit(v, k)
        }
        return out
      }
      return value
    })
  return yield* visit(card, "card")
})

/** A one-line summary of a residence card for progress output. */
export const summary = (card: ResidenceCard.ResidenceCard): string =>
  `generation ${card.generation}, card type ${card.cardType}, ${card.filesRead.length} files`
