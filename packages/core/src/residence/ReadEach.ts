/**
 * The read loop both generations share: files in card order, each DF selected once (it stays current until another
 * is selected, ISO/IEC 7816-4 §7.1.1), progress reported per file.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Iso7816 from "../iso7816/Iso7816.js"
import { aid } from "./Files.js"

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
