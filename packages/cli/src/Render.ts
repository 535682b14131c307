/**
 * Cards as JSON-ready data for people and scripts: images are written to files (native format and PNG) and referenced
 * by path, other bytes become base64 (or a length, for text output), raw EF contents are left out (they go to the
 * saved read instead).
 */
import type { MyNumber, ResidenceCard } from "@jpcard/core"
import { Effect, type FileSystem, Path } from "effect"
import type { PlatformError } from "effect/PlatformError"
import { extensionOf, toPng } from "./Images.js"
import { base64, makeOutDir, writePrivate } from "./Output.js"

type Format = "tiff" | "jpeg2000" | "png"
const isImage = (value: unknown): value is { format: Format; data: Uint8Array } =>
  typeof value === "object" &&
  value !== null &&
  "format" in value &&
  "data" in value &&
  (value as { data: unknown }).data instanceof Uint8Array

export interface RenderOptions {
  /** Where to write images; no images are written when absent. */
  readonly outDir?: string | undefined
  /** Warnings (e.g. an image that could not be converted to PNG) go here. */
  readonly warn: (message: string) => void
  /** Bytes other than images: base64 (default, for JSON) or `<n bytes>` (for text). */
  readonly bytes?: "base64" | "length"
  /** Without `outDir`: put each image's native bytes in the output as base64 (for JSON). */
  readonly embedImages?: boolean
}

/**
 * Renders any card model to JSON-ready data. Image objects become `{ format, bytes, file, png }` (or
 * `{ format, bytes, base64 }`); `raw` is dropped.
 */
export const render = Effect.fn("cli.render")(function* (card: object, options: RenderOptions) {
  const path = yield* Path.Path
  if (options.outDir !== undefined) yield* makeOutDir(options.outDir)
  const bytes = (data: Uint8Array) => (options.bytes === "length" ? `<${data.length} bytes>` : base64(data))
  const visit = (value: unknown, key: string): Effect.Effect<unknown, PlatformError, FileSystem.FileSystem> =>
    Effect.gen(function* () {
      if (value instanceof Uint8Array) return bytes(value)
      if (isImage(value)) {
        const out: Record<string, unknown> = { format: value.format, bytes: value.data.length }
        if (options.outDir !== undefined) {
          const file = path.join(options.outDir, `${key}.${extensionOf(value.format)}`)
          yield* writePrivate(file, value.data)
          out.file = file
          if (value.format !== "png") {
            const png = yield* Effect.result(toPng(value.format, value.data))
            if (png._tag === "Success") {
              const pngFile = path.join(options.outDir, `${key}.png`)
              yield* writePrivate(pngFile, png.success)
              out.png = pngFile
            } else options.warn(png.failure.message)
          }
        } else if (options.embedImages === true) out.base64 = base64(value.data)
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

/** The basic four information (基本4情報) of a My Number card as printed: name, address, birth date, sex. */
export const basicInfoData = (basic: MyNumber.Kenhojo.BasicInfo) => ({
  name: basic.name,
  address: basic.address,
  birthDate: basic.birthDate,
  sex: basic.sex
})

/**
 * A My Number card's face as printed: birth date, sex, expiry, and the name, address and photo images. Not the
 * security-code image (DF2A): it shows the security code, a part of 照合番号B.
 */
export const cardFaceData = (face: MyNumber.Kenkaku.CardFace) => ({
  birthDate: face.birthDate,
  sex: face.sex,
  expiry: face.expiry,
  nameImage: { format: "png", data: face.nameImage },
  addressImage: { format: "png", data: face.addressImage },
  photo: { format: "jpeg2000", data: face.photo }
})
