/**
 * A trace of every APDU exchanged, safe to log: command headers, lengths and status words are kept; data fields are
 * kept only where they are public (SELECT by AID or file id) and otherwise replaced by their length. VERIFY data
 * (PINs, card numbers), authentication cryptograms (from which a card number could be searched offline), keys and
 * personal data never reach it.
 *
 * The default trace discards entries. `layerCollect` keeps them for a test or a CLI `--trace` flag, `layerLog` writes
 * them as debug logs.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import { toHex } from "../Bytes.js"

/** Whether a command's data field may appear in clear. */
export type Disclosure = "public" | "redacted"

export interface TraceEntry {
  /** Named pipeline step, e.g. `residence.authenticate.verify`. */
  readonly step: string
  /** `CLA INS P1 P2` in hex, e.g. `00A4040C`. */
  readonly header: string
  /** The data field in hex when public, otherwise `<n bytes>`; absent for no data. */
  readonly data?: string
  /** Le as sent, if any. */
  readonly le?: number
  /** Response data: always `<n bytes>` (card answers can be personal data or cryptograms). */
  readonly response: string
  readonly sw: string
  readonly form: "short" | "extended"
}

export interface ApduTraceShape {
  readonly record: (entry: TraceEntry) => Effect.Effect<void>
}

export const ApduTrace = Context.Reference<ApduTraceShape>("@jpcard/core/ApduTrace", {
  defaultValue: () => ({ record: () => Effect.void })
})

export const describeData = (data: Uint8Array | undefined, disclosure: Disclosure): string | undefined =>
  data === undefined || data.length === 0 ? undefined : disclosure === "public" ? toHex(data) : `<${data.length} bytes>`

/** Collects entries into the given array (tests, CLI trace output). */
export const layerCollect = (into: Array<TraceEntry>): Layer.Layer<never> =>
  Layer.succeed(ApduTrace, { record: (entry) => Effect.sync(() => void into.push(entry)) })

/** Logs each entry at debug level. */
export const layerLog: Layer.Layer<never> = Layer.succeed(ApduTrace, {
  record: (entry) => Effect.logDebug("apdu", entry)
})

/** One line per entry, e.g. `residence.detect 00B08A00 le=3 -> <3 bytes> 9000`. */
export const format = (entry: TraceEntry): string =>
  [
    entry.step,
    entry.header,
    entry.data === undefined ? "" : `data=${entry.data}`,
    entry.le === undefined ? "" : `le=${entry.le}`,
    `-> ${entry.response} ${entry.sw}`,
    entry.form === "extended" ? "(ext)" : ""
  ]
    .filter((s) => s !== "")
    .join(" ")
