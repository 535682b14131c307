// Shared set-up of the end-to-end tests: a private pcscd with the vsmartcard virtual reader (src/testing/VirtualPcsc),
// skipped with a printed reason where it cannot run, and a failure instead of a skip when JPCARD_REQUIRE_PCSC=1 (CI).
import type { SimulatedCard } from "@jpcard/sim/SimulatedCard"
import { afterAll, beforeAll, it } from "vitest"
import {
  type Preflight,
  preflight,
  start,
  type VirtualPcsc,
  type VirtualPcscOptions
} from "../../src/testing/VirtualPcsc.js"

export const required = process.env.JPCARD_REQUIRE_PCSC === "1"

/**
 * Checks the machine once per file. Returns whether the e2e tests should run; when they cannot, prints why, and
 * under JPCARD_REQUIRE_PCSC=1 registers a failing test carrying the reason.
 */
export const check = async (file: string, needsNetns = false): Promise<Preflight & { readonly run: boolean }> => {
  const result = await preflight()
  let reason: string | undefined
  if (!result.ok) reason = result.reason
  else if (needsNetns && !result.modes.includes("netns"))
    reason = `card insertion and removal need the network-namespace mode (${result.notes.join("; ")})`
  if (reason === undefined) return { ...result, run: true }
  if (required) {
    it("PC/SC end-to-end tests can run (JPCARD_REQUIRE_PCSC=1)", () => {
      throw new Error(`JPCARD_REQUIRE_PCSC=1 but the end-to-end tests cannot run: ${reason}`)
    })
  } else {
    console.warn(`[transport-pcsc e2e] skipping ${file}: ${reason} (set JPCARD_REQUIRE_PCSC=1 to make this a failure)`)
  }
  return { ...result, run: false }
}

/** Starts pcscd before the file's tests and stops it (by PID) after them. `get()` is the running harness. */
export const usePcscd = (options: VirtualPcscOptions = {}) => {
  let pcsc: VirtualPcsc | undefined
  beforeAll(async () => {
    pcsc = await start(options)
    console.info(
      `[transport-pcsc e2e] pcscd pid ${pcsc.pcscdPid} in ${pcsc.mode} mode${pcsc.quickack ? " with quickack" : ""}`
    )
  }, 30_000)
  afterAll(async () => {
    await pcsc?.stop()
  }, 30_000)
  return {
    get: (): VirtualPcsc => {
      if (pcsc === undefined) throw new Error("pcscd is not running")
      return pcsc
    }
  }
}

/** A tiny card: SELECT of the JPKI AID answers 9000, other SELECTs 6A82, other instructions 6D00. */
export const tinyCard = (
  atr = Uint8Array.of(0x3b, 0x8a, 0x80, 0x01, 0x45, 0x08, 0x7a, 0x34, 0, 0, 0, 0, 0, 0, 0x12)
): SimulatedCard & { readonly commands: Array<Uint8Array> } => {
  const commands: Array<Uint8Array> = []
  const jpki = "d392f000260100000001"
  const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("")
  return {
    atr,
    commands,
    powerOn: () => undefined,
    powerOff: () => undefined,
    transmit: (command) => {
      commands.push(command)
      if (command[1] === 0xa4) return hex(command.subarray(5, 5 + (command[4] ?? 0))) === jpki ? sw(0x9000) : sw(0x6a82)
      // READ BINARY with an extended Le: as many bytes as asked (up to 4096), a pattern, then 9000
      if (command[1] === 0xb0 && command.length === 7 && command[4] === 0) {
        const le = (command[5]! << 8) | command[6]! || 65536
        const data = new Uint8Array(Math.min(le, 4096)).map((_, i) => i & 0xff)
        return Uint8Array.of(...data, 0x90, 0x00)
      }
      return sw(0x6d00)
    }
  }
}

/** A card that answers 6A82 (file not found) to every command, whatever it is. */
export const wrongCard = (): SimulatedCard => ({
  atr: Uint8Array.of(0x3b, 0x8a, 0x80, 0x01, 0x45, 0x08, 0x7a, 0x34, 0, 0, 0, 0, 0, 0, 0x12),
  powerOn: () => undefined,
  powerOff: () => undefined,
  transmit: () => sw(0x6a82)
})

const sw = (value: number) => Uint8Array.of(value >> 8, value & 0xff)
