/**
 * Benchmark of a full first-generation residence card read through pcscd and the virtual reader, for the project's
 * bench script: how many APDUs, how many milliseconds, and the virtual reader's own per-APDU latency (a one-byte
 * SELECT answered at once by the simulated card, so everything measured is PC/SC, pcscd and vpcd).
 *
 * ```ts
 * import { pcscRead } from "@jpcard/transport-pcsc/testing/Bench"
 * const result = await pcscRead({ reads: 5 })          // netns + quickack where possible
 * const plain = await pcscRead({ mode: "reversed" })    // Debian's vpcd without the work-around: ~45 ms per APDU
 * ```
 *
 * Needs what `VirtualPcsc` needs (Linux, root, pcscd, vsmartcard-vpcd, `smartcard`); `preflight()` says why not.
 *
 * @since 0.1.0
 */
import { ResidenceCard } from "@jpcard/core"
import * as ResidenceGen1 from "@jpcard/sim/residence/Gen1Card"
import type { SimulatedCard } from "@jpcard/sim/SimulatedCard"
import { Effect } from "effect"
import { layer as pcscLayer } from "../Pcsc.js"
import * as PcscTransport from "../PcscTransport.js"
import { type Mode, preflight, start } from "./VirtualPcsc.js"

export { preflight }

export interface PcscReadOptions {
  /** Default `auto` (netns when possible). */
  readonly mode?: Mode | "auto"
  /** `netns` only, default true. */
  readonly quickack?: boolean
  /** Timed full reads after one warm-up read (default 5). */
  readonly reads?: number
  /** `extendedLength` of the session (default `auto`: extended; false: short APDUs, 61 per read). */
  readonly extendedLength?: boolean | "auto"
  /** APDUs for the raw latency measurement (default 50). */
  readonly rawApdus?: number
}

export interface PcscReadResult {
  readonly mode: Mode
  readonly quickack: boolean
  readonly extendedLength: boolean
  /** APDUs of one full read (detect, authenticate, every file). */
  readonly apdus: number
  /** Median time of a full read, session set-up (connect) included. */
  readonly readMs: number
  readonly readMsAll: ReadonlyArray<number>
  /** readMs / apdus. */
  readonly msPerApdu: number
  /** Median round trip of one trivial APDU through PC/SC, pcscd and vpcd. */
  readonly rawApduMs: number
}

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const echoCard = (): SimulatedCard => ({
  atr: ResidenceGen1.ATR,
  powerOn: () => undefined,
  powerOff: () => undefined,
  transmit: () => Uint8Array.of(0x90, 0x00)
})

const READER = "Virtual PCD 00 00"
const SELECT_MF = Uint8Array.of(0x00, 0xa4, 0x00, 0x00, 0x02, 0x3f, 0x00)

/** Runs the benchmark: starts a private pcscd, reads, stops it. */
export const pcscRead = async (options: PcscReadOptions = {}): Promise<PcscReadResult> => {
  const card = ResidenceGen1.make({ seed: 1 })
  const pcsc = await start({
    mode: options.mode ?? "auto",
    ...(options.quickack === undefined ? {} : { quickack: options.quickack }),
    reversedCards: [card, echoCard()]
  })
  try {
    const link = pcsc.mode === "netns" ? await pcsc.insert(0, card) : undefined
    if (pcsc.mode === "reversed") await pcsc.waitFor(0, true)
    const session = { reader: READER, extendedLength: options.extendedLength ?? "auto" } as const
    const commands = () => link?.session.commands() ?? pcsc.link(0)?.session.commands() ?? 0
    const read = () =>
      Effect.runPromise(
        ResidenceCard.read(ResidenceGen1.DEFAULT_CARD_NUMBER).pipe(Effect.provide(PcscTransport.layer(session)))
      )
    await read() // warm-up
    const before = commands()
    const times: Array<number> = []
    for (let i = 0; i < (options.reads ?? 5); i++) {
      const t0 = performance.now()
      await read()
      times.push(performance.now() - t0)
    }
    const apdus = (commands() - before) / times.length
    const raw = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const s = yield* PcscTransport.session(session)
          const samples: Array<number> = []
          for (let i = 0; i < (options.rawApdus ?? 50); i++) {
            const t0 = performance.now()
            yield* s.transport.transmit(SELECT_MF)
            samples.push(performance.now() - t0)
          }
          return { samples, extended: s.capabilities.extendedLength }
        })
      ).pipe(Effect.provide(pcscLayer))
    )
    const readMs = median(times)
    return {
      mode: pcsc.mode,
      quickack: pcsc.quickack,
      extendedLength: raw.extended,
      apdus,
      readMs,
      readMsAll: times,
      msPerApdu: readMs / apdus,
      rawApduMs: median(raw.samples)
    }
  } finally {
    await pcsc.stop()
  }
}
