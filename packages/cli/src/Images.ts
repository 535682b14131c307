/// <reference path="./openjpeg.d.ts" />
/**
 * Card images to PNG for people to look at: TIFF (CCITT G4) through utif2, JPEG 2000 through OpenJPEG compiled to
 * WebAssembly (@cornerstonejs/codec-openjpeg), PNG written by fast-png. The native bytes are always saved as well:
 * the PNG is a convenience, the native file is what the signature covers.
 */
import { createRequire } from "node:module"
import { Effect, Schema } from "effect"
import { encode } from "fast-png"

const require = createRequire(import.meta.url)

export class ImageDecodeError extends Schema.TaggedError<ImageDecodeError>()("ImageDecodeError", {
  format: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `could not convert a ${this.format} image to PNG (${this.detail}); the native file is saved unchanged`
  }
}

interface Utif {
  decode(buffer: Uint8Array): Array<{ width: number; height: number }>
  decodeImage(buffer: Uint8Array, ifd: object): void
  toRGBA8(ifd: object): Uint8Array
}

/** TIFF (any compression utif2 knows, CCITT G4 included) → PNG. */
export const tiffToPng = (tiff: Uint8Array) =>
  Effect.try({
    try: () => {
      const utif = require("utif2") as Utif
      const ifds = utif.decode(tiff)
      const ifd = ifds[0]
      if (ifd === undefined) throw new Error("no image in the TIFF")
      utif.decodeImage(tiff, ifd)
      const rgba = utif.toRGBA8(ifd)
      if (!(ifd.width > 0 && ifd.height > 0) || rgba.length !== ifd.width * ifd.height * 4)
        throw new Error("the TIFF has no decodable image")
      return encode({ width: ifd.width, height: ifd.height, data: rgba, channels: 4 })
    },
    catch: (cause) => new ImageDecodeError({ format: "TIFF", detail: String(cause) })
  })

interface OpenJpegModule {
  J2KDecoder: new () => {
    getEncodedBuffer(length: number): Uint8Array
    decode(): void
    getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number }
    getDecodedBuffer(): Uint8Array
    delete(): void
  }
}

let openJpeg: Promise<OpenJpegModule> | undefined

const loadOpenJpeg = (): Promise<OpenJpegModule> => {
  openJpeg ??= import("@cornerstonejs/codec-openjpeg/decodewasmjs").then((m) =>
    // OpenJPEG prints [INFO] lines through Emscripten's print hooks: keep them off the user's stdout.
    (m.default as (options: object) => Promise<OpenJpegModule>)({ print: () => {}, printErr: () => {} })
  )
  return openJpeg
}

/** JPEG 2000 (JP2 or a bare codestream) → PNG. Trailing zero padding is harmless to the decoder. */
export const jpeg2000ToPng = (jp2: Uint8Array) =>
  Effect.tryPromise({
    try: async () => {
      const codec = await loadOpenJpeg()
      const decoder = new codec.J2KDecoder()
      try {
        decoder.getEncodedBuffer(jp2.length).set(jp2)
        decoder.decode()
        const info = decoder.getFrameInfo()
        const pixels = Uint8Array.from(decoder.getDecodedBuffer())
        if (info.bitsPerSample !== 8 || ![1, 3, 4].includes(info.componentCount))
          throw new Error(`${info.componentCount} components of ${info.bitsPerSample} bits`)
        return encode({
          width: info.width,
          height: info.height,
          data: pixels,
          channels: info.componentCount as 1 | 3 | 4
        })
      } finally {
        decoder.delete()
      }
    },
    catch: (cause) => new ImageDecodeError({ format: "JPEG 2000", detail: String(cause) })
  })

export const toPng = (format: "tiff" | "jpeg2000" | "png", data: Uint8Array) =>
  format === "tiff" ? tiffToPng(data) : format === "jpeg2000" ? jpeg2000ToPng(data) : Effect.succeed(data)

export const extensionOf = (format: "tiff" | "jpeg2000" | "png"): string =>
  format === "tiff" ? "tif" : format === "jpeg2000" ? "jp2" : "png"
