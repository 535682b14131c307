// An independent cross-check of the JPKI side: OpenSC's `jpki` card driver (Debian `opensc`) and jpcard read the
// same simulated My Number card through the same pcscd and virtual reader, and must agree on the certificates (byte
// for byte) and the PIN retry counters, without either of them consuming a try. shared/reference/transports.md §3.
//
// OpenSC's tools are run asynchronously (opensc.ts): the simulated card answers from this process's event loop.
import { X509Certificate } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import { MyNumber } from "@jpcard/core"
import { toHex } from "@jpcard/core/Bytes"
import type { PinStatus } from "@jpcard/core/mynumber/PinGuard"
import type { CardTransport } from "@jpcard/core/transport/CardTransport"
import * as Fixtures from "@jpcard/sim/fixtures/data"
import * as MyNumberSim from "@jpcard/sim/mynumber/MyNumberCard"
import type { SimulatedCard } from "@jpcard/sim/SimulatedCard"
import { Effect } from "effect"
import { afterAll, beforeAll, it as vitestIt } from "vitest"
import * as PcscTransport from "../../src/PcscTransport.js"
import type { Slot } from "../../src/testing/VirtualPcsc.js"
import * as OpenSc from "./opensc.js"
import { check, required, tinyCard, usePcscd } from "./support.js"

const FILE = "opensc.test.ts"
const status = await check(FILE)
const tools = OpenSc.findTools()
if (status.run && !tools.ok) {
  if (required)
    vitestIt("OpenSC is installed (JPCARD_REQUIRE_PCSC=1)", () => {
      throw new Error(`JPCARD_REQUIRE_PCSC=1 but the OpenSC cross-check cannot run: ${tools.reason}`)
    })
  else
    console.warn(
      `[transport-pcsc e2e] skipping ${FILE}: ${tools.reason} (set JPCARD_REQUIRE_PCSC=1 to make this a failure)`
    )
}
/** netns mode lets cards come and go; reversed mode (no network namespace) keeps one card in slot 0 throughout. */
const netns = status.ok && status.modes.includes("netns")

/** The APDUs a simulated card answered, in order, on top of the card itself. */
interface Exchange {
  readonly command: Uint8Array
  readonly response: Uint8Array
}
const recording = (card: SimulatedCard) => {
  const log: Array<Exchange> = []
  const recorded: SimulatedCard = {
    atr: card.atr,
    powerOn: () => card.powerOn(),
    powerOff: () => card.powerOff(),
    transmit: (command) => {
      const response = card.transmit(command)
      log.push({ command: Uint8Array.from(command), response: Uint8Array.from(response) })
      return response
    }
  }
  return { card: recorded, log }
}

const swOf = (response: Uint8Array) => (response[response.length - 2]! << 8) | response[response.length - 1]!
const hexOf = (bytes: Uint8Array) => toHex(bytes).toUpperCase()
const describeApdu = (e: Exchange) => `${hexOf(e.command)} -> ${swOf(e.response).toString(16).toUpperCase()}`

/** What a reading-only client may send: SELECT, READ BINARY, and VERIFY without data (the retry-counter query). */
const assertReadOnly = (exchanges: ReadonlyArray<Exchange>, who: string) => {
  for (const e of exchanges) {
    const ins = e.command[1]
    const ok = ins === 0xa4 || ins === 0xb0 || (ins === 0x20 && e.command.length === 4)
    assert.isTrue(ok, `${who} sent ${describeApdu(e)}: not a SELECT, READ BINARY or empty VERIFY`)
  }
}

const JPKI_KEYS = ["jpkiAuthPin", "jpkiSignPassword"] as const
const counters = (card: MyNumberSim.MyNumberCard) => JPKI_KEYS.map((key) => card.triesLeft(key))

/** jpcard's retry counter as OpenSC prints it: `locked` is 0 tries left. */
const triesOf = (status: PinStatus): number => {
  if (status.state === "available") return status.triesLeft
  if (status.state === "locked") return 0
  throw new Error(`jpcard reported ${JSON.stringify(status)}`)
}

/** `02 LL <serial>` as OpenSC prints "Encoded serial", from a DER certificate. */
const encodedSerial = (der: Uint8Array) => {
  const serial = new X509Certificate(der).serialNumber.toUpperCase()
  const length = (serial.length / 2).toString(16).toUpperCase().padStart(2, "0")
  return `02 ${length} ${serial}`
}

describe.runIf(status.run && tools.ok)("OpenSC's JPKI driver against jpcard", { timeout: 60_000 }, () => {
  const main = MyNumberSim.make({ connection: "contact", seed: 1 })
  const mainRecorded = recording(main)
  const pcscd = usePcscd(
    netns ? { mode: "netns" } : { mode: "reversed", reversedCards: [mainRecorded.card, tinyCard()] }
  )
  let forced: OpenSc.OpenSc | undefined
  let unforced: OpenSc.OpenSc | undefined
  const timings: Array<string> = []

  beforeAll(async () => {
    if (!tools.ok) return
    forced = OpenSc.make(tools.tools)
    unforced = OpenSc.make(tools.tools, { forceJpki: false })
    if (netns) await pcscd.get().insert(0, mainRecorded.card)
    else await pcscd.get().waitFor(0, true)
  }, 30_000)

  afterAll(() => {
    forced?.cleanup()
    unforced?.cleanup()
    if (timings.length > 0) console.info(`[transport-pcsc e2e] OpenSC cross-check timings:\n  ${timings.join("\n  ")}`)
  })

  /**
   * Runs an OpenSC tool and returns its output with the APDUs the card saw meanwhile. Fails (with the tool's output
   * and pcscd's log) unless the exit status is `expectCode`.
   */
  const tool = (
    which: "pkcs15-tool" | "opensc-tool",
    args: ReadonlyArray<string>,
    options: { readonly log?: Array<Exchange>; readonly expectCode?: number; readonly unforced?: boolean } = {}
  ) =>
    Effect.promise(async () => {
      const setup = options.unforced === true ? unforced! : forced!
      const log = options.log ?? mainRecorded.log
      const before = log.length
      const run = await (which === "pkcs15-tool" ? setup.pkcs15Tool(args) : setup.openscTool(args))
      const apdus = log.slice(before)
      timings.push(
        `${run.command}${options.unforced === true ? " (driver not forced)" : ""}: ${run.ms.toFixed(0)} ms, ${apdus.length} APDUs, exit ${run.code ?? run.signal}`
      )
      const expected = options.expectCode ?? 0
      if (run.code !== expected)
        assert.fail(
          `${run.command} exited ${run.code ?? run.signal} (expected ${expected})\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}\nAPDUs:\n${apdus.map(describeApdu).join("\n")}\npcscd log (tail):\n${pcscd.get().log().slice(-4000)}`
        )
      return { ...run, apdus }
    })

  /** A jpcard read through transport-pcsc on the given reader, and the APDUs it took. */
  const viaJpcard = <A, E>(
    effect: Effect.Effect<A, E, CardTransport>,
    slot: Slot = 0,
    log: Array<Exchange> = mainRecorded.log
  ) =>
    Effect.gen(function* () {
      const before = log.length
      const started = performance.now()
      const value = yield* effect.pipe(Effect.provide(PcscTransport.layer({ reader: pcscd.get().readers[slot] })))
      const apdus = log.slice(before)
      timings.push(`jpcard via PC/SC: ${(performance.now() - started).toFixed(0)} ms, ${apdus.length} APDUs`)
      return { value, apdus }
    })

  it.live("OpenSC finds the card in reader 0 and binds its jpki driver (ATR 3b:e0:00:ff:81:31:fe:45:14)", () =>
    Effect.gen(function* () {
      const readers = yield* tool("opensc-tool", ["--list-readers"])
      assert.match(readers.stdout, /^0\s+Yes\s+Virtual PCD 00 00$/m, readers.stdout)
      const name = yield* tool("opensc-tool", ["--reader", "0", "--atr", "--name"])
      assert.deepStrictEqual(name.stdout.trim().split("\n"), ["3b:e0:00:ff:81:31:fe:45:14", "jpki"])
      assert.strictEqual(hexOf(main.atr), "3BE000FF8131FE4514")
    })
  )

  it.live("with OpenSC's whole driver list, every other driver's probe is refused and jpki takes the card", () =>
    Effect.gen(function* () {
      const before = counters(main)
      const name = yield* tool("opensc-tool", ["--reader", "0", "--name"], { unforced: true })
      assert.strictEqual(name.stdout.trim(), "jpki")
      assert.isAbove(name.apdus.length, 0, "the earlier drivers probe the card")
      for (const e of name.apdus) {
        assert.notStrictEqual(swOf(e.response), 0x9000, `a foreign probe was accepted: ${describeApdu(e)}`)
        assert.isFalse(e.command[1] === 0x20 && e.command.length > 4, `a probe sent a secret: ${describeApdu(e)}`)
      }
      const pins = yield* tool("pkcs15-tool", ["--reader", "0", "--list-pins"], { unforced: true })
      assert.deepStrictEqual(
        OpenSc.parseListing(pins.stdout).map((p) => p.fields["Tries left"]),
        ["3", "5"]
      )
      assert.deepStrictEqual(counters(main), before, "no try consumed")
    })
  )

  it.live("--list-certificates: the four certificates at 000a, 0001, 000b, 0002; serials as on the card", () =>
    Effect.gen(function* () {
      const run = yield* tool("pkcs15-tool", ["--reader", "0", "--list-certificates"])
      const listed = OpenSc.parseListing(run.stdout)
      assert.deepStrictEqual(
        listed.map((c) => [c.kind, c.label, c.fields.Path, c.fields.ID, c.fields.Authority]),
        [
          ["X.509 Certificate", "User Authentication Certificate", "000a", "01", "no"],
          ["X.509 Certificate", "Digital Signature Certificate", "0001", "02", "no"],
          ["X.509 Certificate", "User Authentication Certificate CA", "000b", "03", "yes"],
          ["X.509 Certificate", "Digital Signature Certificate CA", "0002", "04", "yes"]
        ],
        run.stdout
      )
      assert.strictEqual(listed[0]!.fields["Encoded serial"], encodedSerial(Fixtures.myNumberJpkiAuthCertDer))
      assert.strictEqual(listed[2]!.fields["Encoded serial"], encodedSerial(Fixtures.myNumberJpkiAuthCaCertDer))
      assert.strictEqual(listed[3]!.fields["Encoded serial"], encodedSerial(Fixtures.myNumberJpkiSignCaCertDer))
      // The signing certificate needs the signing password: listed, flagged private, no serial; the card refused the
      // read with 6982 (security status not satisfied).
      assert.match(listed[1]!.fields["Object Flags"] ?? "", /private/)
      assert.isUndefined(listed[1]!.fields["Encoded serial"])
      const selectSign = run.apdus.findIndex((e) => hexOf(e.command) === "00A4020C020001")
      assert.isAtLeast(selectSign, 0, "OpenSC selected EF0001")
      assert.strictEqual(swOf(run.apdus[selectSign + 1]!.response), 0x6982)
      assertReadOnly(run.apdus, "pkcs15-tool --list-certificates")
    })
  )

  it.live("--list-pins: 3 and 5 tries left, as jpcard's readPinStatus reports through PC/SC; no try consumed", () =>
    Effect.gen(function* () {
      const before = counters(main)
      assert.deepStrictEqual(before, [3, 5])
      const run = yield* tool("pkcs15-tool", ["--reader", "0", "--list-pins"])
      const pins = OpenSc.parseListing(run.stdout)
      assert.deepStrictEqual(
        pins.map((p) => [p.kind, p.label, p.fields.ID, p.fields["Tries left"]]),
        [
          ["PIN", "User Authentication PIN", "01", "3"],
          ["PIN", "Digital Signature PIN", "02", "5"]
        ],
        run.stdout
      )
      assertReadOnly(run.apdus, "pkcs15-tool --list-pins")
      const jpcard = yield* viaJpcard(
        MyNumber.MyNumberCard.readPinStatus(["jpki.authenticationPin", "jpki.signingPassword"])
      )
      assert.deepStrictEqual(
        jpcard.value.map((s) => [s.credential, triesOf(s)]),
        [
          ["jpki.authenticationPin", Number(pins[0]!.fields["Tries left"])],
          ["jpki.signingPassword", Number(pins[1]!.fields["Tries left"])]
        ]
      )
      assertReadOnly(jpcard.apdus, "jpcard readPinStatus")
      assert.deepStrictEqual(counters(main), before, "no try consumed by either")
    })
  )

  const certificates = [
    { id: "01", kind: "authentication", fixture: Fixtures.myNumberJpkiAuthCertDer },
    { id: "03", kind: "authenticationCa", fixture: Fixtures.myNumberJpkiAuthCaCertDer },
    { id: "04", kind: "signingCa", fixture: Fixtures.myNumberJpkiSignCaCertDer }
  ] as const
  for (const { id, kind, fixture } of certificates)
    it.live(
      `--read-certificate ${id}: byte-identical to jpcard's Jpki.readCertificate("${kind}") and the fixture`,
      () =>
        Effect.gen(function* () {
          const run = yield* tool("pkcs15-tool", ["--reader", "0", "--read-certificate", id])
          const fromOpenSc = OpenSc.pemToDer(run.stdout)
          assertReadOnly(run.apdus, `pkcs15-tool --read-certificate ${id}`)
          const jpcard = yield* viaJpcard(MyNumber.Jpki.readCertificate(kind))
          assert.strictEqual(hexOf(fromOpenSc), hexOf(jpcard.value), "OpenSC and jpcard read the same bytes")
          assert.strictEqual(hexOf(jpcard.value), hexOf(fixture), "and they are the card's certificate")
          assert.strictEqual(fromOpenSc.length, fixture.length)
        })
    )

  it.live("--read-certificate 02 (signing, needs the password) fails cleanly; no try consumed", () =>
    Effect.gen(function* () {
      const before = counters(main)
      const run = yield* tool("pkcs15-tool", ["--reader", "0", "--read-certificate", "02"], { expectCode: 1 })
      assert.notInclude(run.stdout, "BEGIN CERTIFICATE")
      assert.match(run.stderr, /Certificate read failed/)
      assert.strictEqual(swOf(run.apdus.at(-1)!.response), 0x6982)
      assertReadOnly(run.apdus, "pkcs15-tool --read-certificate 02")
      assert.deepStrictEqual(counters(main), before)
    })
  )

  // Other counters (one try left, blocked) and the contactless ATR (OpenSC then matches by SELECT of the JPKI AID),
  // on the second reader. Needs cards to come and go: netns mode.
  const others = [
    { label: "contactless ATR, 1 and 4 tries left", connection: "contactless", auth: 1, sign: 4 },
    { label: "contact ATR, both blocked", connection: "contact", auth: 0, sign: 0 }
  ] as const
  for (const c of others)
    it.live.runIf(netns)(`reader 1, ${c.label}: OpenSC and jpcard report the same tries`, () =>
      Effect.gen(function* () {
        const card = MyNumberSim.make({
          connection: c.connection,
          triesLeft: { jpkiAuthPin: c.auth, jpkiSignPassword: c.sign },
          seed: 2
        })
        const { card: inserted, log } = recording(card)
        yield* Effect.promise(() => pcscd.get().insert(1, inserted))
        const name = yield* tool("opensc-tool", ["--reader", "1", "--atr", "--name"], { log })
        const [atr, driver] = name.stdout.trim().split("\n")
        assert.strictEqual(driver, "jpki")
        assert.strictEqual(atr?.replaceAll(":", "").toUpperCase(), hexOf(card.atr))
        if (c.connection === "contactless")
          assert.isTrue(
            name.apdus.some((e) => hexOf(e.command) === "00A4040C0AD392F000260100000001"),
            "matched by SELECT of the JPKI AID"
          )
        const run = yield* tool("pkcs15-tool", ["--reader", "1", "--list-pins"], { log })
        const tries = OpenSc.parseListing(run.stdout).map((p) => p.fields["Tries left"])
        assert.deepStrictEqual(tries, [String(c.auth), String(c.sign)], run.stdout)
        const jpcard = yield* viaJpcard(
          MyNumber.MyNumberCard.readPinStatus(["jpki.authenticationPin", "jpki.signingPassword"]),
          1,
          log
        )
        assert.deepStrictEqual(jpcard.value.map(triesOf), tries.map(Number))
        assert.deepStrictEqual(
          jpcard.value.map((s) => s.state),
          [c.auth === 0 ? "locked" : "available", c.sign === 0 ? "locked" : "available"]
        )
        const cert = yield* tool("pkcs15-tool", ["--reader", "1", "--read-certificate", "01"], { log })
        assert.strictEqual(hexOf(OpenSc.pemToDer(cert.stdout)), hexOf(Fixtures.myNumberJpkiAuthCertDer))
        assertReadOnly(log, "OpenSC and jpcard")
        assert.deepStrictEqual(counters(card), [c.auth, c.sign], "no try consumed")
        yield* Effect.promise(() => pcscd.get().remove(1))
      })
    )
})
