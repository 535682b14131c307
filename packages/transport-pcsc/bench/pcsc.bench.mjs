// A full first-generation residence card read through real PC/SC: pcscd, the vsmartcard virtual reader and the
// `smartcard` binding, with the simulated card behind vpcd (see src/testing/VirtualPcsc.ts and Bench.ts).
//
// Runs the compiled packages (dist/): build first (`node scripts/build.mjs`), then either
//   node packages/transport-pcsc/bench/pcsc.bench.mjs            (prints JSON)
// or, from a bench driver:
//   const { run } = await import("./packages/transport-pcsc/bench/pcsc.bench.mjs"); const results = await run()
// `run` returns [{ name, value, unit }], or [] (with the reason on stderr) where a private pcscd cannot run: it needs
// Linux, root, the Debian packages pcscd and vsmartcard-vpcd, the `smartcard` binding, and no other pcscd running.
//
// - pcsc.residence.gen1.apdus / .read_ms: median of 5 full reads (connect, detect, authenticate, every file,
//   disconnect) with the network-namespace + quickack work-around (transports.md §2.6), extended APDUs (the virtual
//   reader does not limit responses, so the count equals residence.gen1.apdus.extended); .short256: short APDUs only.
// - pcsc.apdu_ms.quickack / .no_quickack: the virtual reader's own round trip for one trivial APDU (the card answers
//   at once), with and without the work-around. Without it Debian's vpcd costs ~44 ms per APDU (delayed ACK).
// - pcsc.residence.gen1.read_ms.no_quickack: one full read without the work-around, for scale.
import { pathToFileURL } from "node:url"
import { pcscRead, preflight } from "@jpcard/transport-pcsc/testing/Bench"

export const run = async () => {
  const check = await preflight()
  if (!check.ok) {
    console.error(`pcsc bench skipped: ${check.reason}`)
    return []
  }
  if (!check.modes.includes("netns")) {
    console.error(`pcsc bench skipped: needs unshare --net (${check.notes.join("; ")})`)
    return []
  }
  const fast = await pcscRead({ mode: "netns", quickack: true, reads: 5 })
  const short = await pcscRead({ mode: "netns", quickack: true, reads: 5, extendedLength: false })
  const plain = await pcscRead({ mode: "netns", quickack: false, reads: 1, rawApdus: 20 })
  const round = (x) => Math.round(x * 100) / 100
  return [
    { name: "pcsc.residence.gen1.apdus", value: fast.apdus, unit: "apdus" },
    { name: "pcsc.residence.gen1.read_ms", value: round(fast.readMs), unit: "ms" },
    { name: "pcsc.residence.gen1.apdus.short256", value: short.apdus, unit: "apdus" },
    { name: "pcsc.residence.gen1.read_ms.short256", value: round(short.readMs), unit: "ms" },
    { name: "pcsc.residence.gen1.read_ms.no_quickack", value: round(plain.readMs), unit: "ms" },
    { name: "pcsc.apdu_ms.quickack", value: round(fast.rawApduMs), unit: "ms" },
    { name: "pcsc.apdu_ms.no_quickack", value: round(plain.rawApduMs), unit: "ms" }
  ]
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) console.log(JSON.stringify(await run(), null, 2))
