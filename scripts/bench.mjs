// `npm run bench`: the performance numbers of the issues, measured on the built packages (dist/). Prints a table and
// writes bench-results.json as [{ name, value, unit }]. Each block states its model and assumptions.
import { spawnSync } from "node:child_process"
import { writeFileSync } from "node:fs"
import { performance } from "node:perf_hooks"
import { fileURLToPath } from "node:url"
import { ResidenceFiles as Files, MyNumber, ResidenceCard } from "@jpcard/core"
import { MyNumberCard, ResidenceGen1, ResidenceGen2, SimTransport } from "@jpcard/sim"
import { Effect } from "effect"

const results = []
const notes = []
const record = (name, value, unit, note) => {
  results.push({ name, value, unit })
  if (note) notes.push(`${name}: ${note}`)
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

// ---------------------------------------------------------------------------------------------------------------
// Link model for contactless reads: the bytes of every command and response at 424 kbit/s, plus a fixed overhead per
// APDU for frame turnaround and card processing. The overhead is an assumption, stated here and in the table.
const LINK_BITS_PER_S = 424_000
const OVERHEAD_MS_PER_APDU = 2.0
const linkMs = (apdus, bytes) => (bytes * 8 * 1000) / LINK_BITS_PER_S + apdus * OVERHEAD_MS_PER_APDU

// The most plaintext one secure-messaging response of at most `limit` data bytes can carry, found by trying every
// size (independent of the reader's own planner, which this number checks): 86 ‖ L ‖ 01 ‖ ciphertext, ciphertext =
// plaintext padded with 80 00.. to whole blocks (always at least one padding byte).
const berLengthSize = (n) => (n < 0x80 ? 1 : n <= 0xff ? 2 : n <= 0xffff ? 3 : 4)
const smObjectSize = (plain, block) => {
  const ct = (Math.floor(plain / block) + 1) * block
  return 1 + berLengthSize(1 + ct) + 1 + ct
}
const maxPlainPerResponse = (limit, block) => {
  let best = 0
  for (let p = 0; p <= limit; p++) if (smObjectSize(p, block) <= limit) best = p
  return best
}

/**
 * The fewest APDUs a full read can take under a response limit: detect (2 free reads), authentication (GET CHALLENGE,
 * MUTUAL AUTHENTICATE, VERIFY), one SELECT per DF, and per file the fewest READ BINARYs: DF1 files must be read under
 * secure messaging; DF2 and DF3 files may be read in plain or under SM, whichever needs fewer.
 */
const minimumApdus = (files, limit, block) => {
  let n = 2 + 3
  const dfs = new Set()
  for (const f of files) {
    dfs.add(f.df)
    const sm = Math.ceil(f.size / maxPlainPerResponse(limit, block))
    const plain = Math.ceil(f.size / limit)
    n += f.df === "df1" ? sm : Math.min(sm, plain)
  }
  return n + dfs.size
}

const readOnce = async (card, options, readOptions = {}) => {
  const sim = SimTransport.make(card, options)
  const started = performance.now()
  const result = await Effect.runPromise(
    ResidenceCard.read(card.cardNumber, readOptions).pipe(Effect.provide(sim.layer))
  )
  return { result, stats: sim.stats(), ms: performance.now() - started }
}

// ---------------------------------------------------------------------------------------------------------------
// Residence card, generation 1 (issue 3)
{
  const gen1Files = Object.values(Files.gen1)
  const extended = await readOnce(ResidenceGen1.make({ seed: "bench" }))
  record("residence.gen1.apdus.extended", extended.stats.apdus, "apdus")
  const short = await readOnce(ResidenceGen1.make({ seed: "bench" }), { extendedLength: false, maxResponseLength: 256 })
  record("residence.gen1.apdus.short256", short.stats.apdus, "apdus")
  record("residence.gen1.apdus.short256.minimum", minimumApdus(gen1Files, 256, 8), "apdus")
  const bytes = extended.stats.bytesSent + extended.stats.bytesReceived
  record("residence.gen1.bytes", bytes, "bytes", "commands and responses (SW included) of the extended-length read")
  record(
    "residence.gen1.read_ms.424kbps",
    Number(linkMs(extended.stats.apdus, bytes).toFixed(1)),
    "ms",
    `model: bytes at 424 kbit/s + ${OVERHEAD_MS_PER_APDU} ms per APDU (assumed turnaround and card processing)`
  )
  // The floor for the same link: the fewest APDUs, and only the bytes no reader can avoid: the file contents, one
  // SM header and one padding block per DF1 file, command headers (4 bytes + Lc/Le) and status words, the 8-byte
  // challenge, the 40-byte cryptograms each way, the 16-byte VERIFY cryptogram and the 16-byte AIDs.
  const minApdus = minimumApdus(gen1Files, 65536, 8)
  const dataBytes = gen1Files.reduce((sum, f) => sum + f.size, 0) + 6 + 3
  const smOverhead = gen1Files.filter((f) => f.df === "df1").reduce((s, f) => s + smObjectSize(f.size, 8) - f.size, 0)
  const authBytes = 8 + 40 + 40 + 19
  const selectBytes = 3 * 16
  const framing = minApdus * (4 + 1 + 2)
  const minBytes = dataBytes + smOverhead + authBytes + selectBytes + framing
  record("residence.gen1.read_ms.424kbps.minimum", Number(linkMs(minApdus, minBytes).toFixed(1)), "ms")
  const times = []
  for (let i = 0; i < 50; i++) times.push((await readOnce(ResidenceGen1.make({ seed: i }))).ms)
  record("residence.gen1.read_ms.memory", Number(median(times).toFixed(2)), "ms", "median of 50 full reads in memory")
}

// ---------------------------------------------------------------------------------------------------------------
// Residence card, generation 2 (issue 5). The default full read leaves out DF1/EF01 (the card number), which VERIFY
// has already proved equal to the number given; the minimum is computed for the same set of files.
{
  const defaultFiles = Files.gen2Files.map((f) => Files.gen2[f])
  const extended = await readOnce(ResidenceGen2.make({ seed: "bench" }))
  record("residence.gen2.apdus.extended", extended.stats.apdus, "apdus")
  const withNumber = await readOnce(ResidenceGen2.make({ seed: "bench" }), {}, { files: Files.gen2AllFiles })
  record("residence.gen2.apdus.extended.with_card_number", withNumber.stats.apdus, "apdus")
  const short = await readOnce(ResidenceGen2.make({ seed: "bench" }), { extendedLength: false, maxResponseLength: 256 })
  record("residence.gen2.apdus.short256", short.stats.apdus, "apdus")
  record("residence.gen2.apdus.short256.minimum", minimumApdus(defaultFiles, 256, 16), "apdus")
  const bytes = extended.stats.bytesSent + extended.stats.bytesReceived
  record("residence.gen2.bytes", bytes, "bytes")
  // Decoding alone: the parse step over the files as read, 1000 runs, median.
  const detection = { specVersion: "0001", cardType: "05", generation: 2 }
  const raw = extended.result.raw
  const parse = ResidenceCard.parse(detection, raw)
  const samples = []
  for (let i = 0; i < 1100; i++) {
    const t0 = performance.now()
    Effect.runSync(parse)
    if (i >= 100) samples.push((performance.now() - t0) * 1000)
  }
  record(
    "residence.gen2.decode_us",
    Number(median(samples).toFixed(1)),
    "us",
    "median of 1000 decodes of every field (after 100 warm-up runs)"
  )
}

// ---------------------------------------------------------------------------------------------------------------
// My Number card (issue 6): APDUs of single operations from a fresh session, PIN guard included.
{
  const card = MyNumberCard.make({ seed: "bench" })
  const count = async (effect, options = {}) => {
    const sim = SimTransport.make(card, options)
    const result = await Effect.runPromise(effect.pipe(Effect.provide(sim.layer)))
    return { result, apdus: sim.stats().apdus, log: sim.log() }
  }
  const basic4 = await count(MyNumber.Kenhojo.readBasicInfo({ pin: card.pins.kenhojo }))
  record("mynumber.basic4.apdus", basic4.apdus, "apdus", "SELECT, tries query, VERIFY, SELECT EF, READ(s)")
  const sign = await count(MyNumber.Jpki.sign({ key: "authentication", pin: card.pins.jpkiAuth }, new Uint8Array(32)))
  record("mynumber.jpki.sign.apdus", sign.apdus, "apdus")
  const vnb = await Effect.runPromise(
    MyNumber.VerificationNumberB.build({
      birthDate: `${card.holder.birthDate.slice(0, 4)}-${card.holder.birthDate.slice(4, 6)}-${card.holder.birthDate.slice(6)}`,
      calendar: card.holder.birthDateCalendar,
      expiryYear: Number(card.holder.expiry.slice(0, 4)),
      securityCode: card.holder.securityCode
    })
  )
  const faceExtended = await count(MyNumber.Kenkaku.readCardFace({ verificationNumberB: vnb }))
  record("mynumber.face.apdus.extended", faceExtended.apdus, "apdus")
  const faceShort = await count(MyNumber.Kenkaku.readCardFace({ verificationNumberB: vnb }), { extendedLength: false })
  record("mynumber.face.apdus.short256", faceShort.apdus, "apdus")
  // The minimum: the same non-read steps as the extended read, plus the fewest 256-byte READ BINARYs for the record
  // (its size is the data the extended read returned).
  const reads = faceExtended.log.filter((e) => e.command[1] === 0xb0)
  const recordBytes = reads.reduce((n, e) => n + (typeof e.response === "string" ? 0 : e.response.length - 2), 0)
  record(
    "mynumber.face.apdus.short256.minimum",
    faceExtended.apdus - reads.length + Math.ceil(recordBytes / 256),
    "apdus"
  )
}

// ---------------------------------------------------------------------------------------------------------------
// PC/SC (issue 4): a full gen-1 read through pcscd and the vsmartcard virtual reader, next to the in-memory read.
{
  const { run } = await import("../packages/transport-pcsc/bench/pcsc.bench.mjs")
  const rows = await run()
  for (const r of rows) record(r.name, r.value, r.unit)
  if (rows.length === 0) notes.push("pcsc.*: not measured here (see the reason above: pcscd or vpcd unavailable)")
}

// ---------------------------------------------------------------------------------------------------------------
// Verification (issue 7): ours next to node:crypto's own verify of the same signatures, in the same run, on one core:
// the verify bench runs in a child process pinned to CPU 0 (`taskset -c 0`; its thread pool shares that core).
{
  const script = fileURLToPath(new URL("../packages/verify/bench/verify.bench.mjs", import.meta.url))
  const pinned = spawnSync("taskset", ["-c", "0", "true"]).status === 0
  const child = spawnSync(
    pinned ? "taskset" : process.execPath,
    [...(pinned ? ["-c", "0", process.execPath] : []), script],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      maxBuffer: 1 << 20
    }
  )
  if (child.status !== 0) throw new Error(`verify bench failed (exit ${child.status})`)
  for (const r of JSON.parse(child.stdout)) record(r.name, r.value, r.unit)
  notes.push(
    `verify.*: ${pinned ? "one core (taskset -c 0)" : "NOT pinned to one core (taskset unavailable)"}; per_s = the best rate over 1, 16 and 64 verifications in flight (saturated throughput), .sequential = one at a time. verify.*.per_s: the default WebCrypto backend (browser-safe); .node_provider: the node:crypto provider from @jpcard/verify/node that Node programs (the CLI) pass`
  )
}

// ---------------------------------------------------------------------------------------------------------------
writeFileSync("bench-results.json", `${JSON.stringify(results, null, 2)}\n`)
const width = Math.max(...results.map((r) => r.name.length))
console.log(`${"name".padEnd(width)}  ${"value".padStart(10)}  unit`)
for (const r of results) console.log(`${r.name.padEnd(width)}  ${String(r.value).padStart(10)}  ${r.unit}`)
console.log("")
for (const n of notes) console.log(`- ${n}`)
console.log("\nwritten to bench-results.json")
