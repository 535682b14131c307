/**
 * A private pcscd with the vsmartcard virtual reader, for end-to-end tests and benchmarks: simulated cards go in and
 * out of "Virtual PCD 00 00" / "Virtual PCD 00 01", and the code under test reads them through PC/SC exactly as from
 * a real reader. Linux, root, Debian packages `pcscd` and `vsmartcard-vpcd`, and the `smartcard` binding.
 *
 * Cards connect to a supervisor process (`PcscdSupervisor`) through one Unix socket per slot; it relays them to vpcd
 * and answers vpcd's presence polls itself, so pcscd never waits on this process. Two modes, both loopback-only:
 * - `netns` (preferred): pcscd runs in a private network namespace (`unshare --net`) with the standard vpcd
 *   configuration (vpcd listens on 35963/35964 inside the namespace only). Cards can be inserted and removed at any
 *   time, and the namespace's loopback routes get `quickack`, which takes an APDU from ~44 ms to ~0.5 ms.
 * - `reversed` (fallback when `unshare` is not available): vpcd connects to the supervisor on 127.0.0.1
 *   (`DEVICENAME 127.0.0.1:<port>`). Both slots must hold a card from the start to the end: Debian's vpcd 0.8 aborts
 *   pcscd when a reversed-mode card goes away. ~44 ms per APDU.
 *
 * pcscd's socket is compiled in (`/run/pcscd/pcscd.comm`), so one pcscd per machine: `preflight` refuses to start
 * next to a running one, and test files using this must run one after another. `stop` kills the supervisor and pcscd
 * by PID; if the test process dies, the supervisor sees its stdin close and stops pcscd itself.
 *
 * @since 0.1.0
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import * as net from "node:net"
import { tmpdir } from "node:os"
import { delimiter, join } from "node:path"
import { fileURLToPath } from "node:url"
import type { SimulatedCard } from "@jpcard/sim/SimulatedCard"
import type { AttachOptions } from "@jpcard/sim/vpcd/Vpcd"
import { Effect } from "effect"
import { type Driver, type DriverContext, loadSmartcard, State } from "../Pcsc.js"
import { type CardLink, connect } from "../Vpcd.js"
import type { SupervisorConfig } from "./PcscdSupervisor.js"

export type Mode = "netns" | "reversed"

export interface VirtualPcscOptions {
  /** Default `auto`: `netns` when possible, else `reversed`. */
  readonly mode?: Mode | "auto"
  /** `netns` only: loopback routes with `quickack 1` (default true). */
  readonly quickack?: boolean
  /** pcscd `--apdu --debug` into the log (default: env `JPCARD_PCSCD_DEBUG=1`). */
  readonly apduLog?: boolean
  /** `reversed` only: the two cards, present for the whole run. */
  readonly reversedCards?: readonly [SimulatedCard, SimulatedCard]
  /** How long pcscd may take to show both readers (default 15 s). */
  readonly startTimeoutMs?: number
}

export type Slot = 0 | 1

export interface VirtualPcsc {
  readonly mode: Mode
  readonly quickack: boolean
  /** PC/SC names of slot 0 and slot 1. */
  readonly readers: readonly [string, string]
  readonly pcscdPid: number
  readonly supervisorPid: number
  /** Inserts a card and resolves once pcscd reports it present (`netns` mode). */
  insert(slot: Slot, card: SimulatedCard, options?: AttachOptions): Promise<CardLink>
  /** Removes the slot's card and resolves once pcscd reports the reader empty (`netns` mode). */
  remove(slot: Slot): Promise<void>
  /** Resolves once the reader's state satisfies `present` (true: a card; false: empty); rejects after `timeoutMs`. */
  waitFor(slot: Slot, present: boolean, timeoutMs?: number): Promise<void>
  /** The current connection of a slot, if a card is in it. */
  link(slot: Slot): CardLink | undefined
  /** pcscd's output so far (with `apduLog`, every APDU with timestamps). */
  log(): string
  /** Whether pcscd is still running. */
  alive(): boolean
  /** Removes the cards, stops pcscd and the supervisor by PID, deletes the temporary directory. Idempotent. */
  stop(): Promise<void>
}

export const READER_NAMES = ["Virtual PCD 00 00", "Virtual PCD 00 01"] as const

const VPCD_DRIVERS = [
  "/usr/lib/pcsc/drivers/serial/libifdvpcd.so",
  "/usr/lib64/pcsc/drivers/serial/libifdvpcd.so",
  "/usr/local/lib/pcsc/drivers/serial/libifdvpcd.so"
]
const PCSCD_PID_FILE = "/run/pcscd/pcscd.pid"
const PCSCD_SOCKET = "/run/pcscd/pcscd.comm"

/** The executable `command` on PATH or in the usual system folders (sbin included: pcscd lives there). @internal */
export const which = (command: string): string | undefined => {
  const dirs = [
    ...(process.env.PATH ?? "").split(delimiter),
    "/usr/sbin",
    "/sbin",
    "/usr/local/sbin",
    "/usr/bin",
    "/usr/local/bin"
  ]
  for (const dir of dirs) {
    if (dir === "") continue
    const candidate = join(dir, command)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // next
    }
  }
  return undefined
}

const readPid = (): number | undefined => {
  try {
    const pid = Number.parseInt(readFileSync(PCSCD_PID_FILE, "utf8").trim(), 10)
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

const socketAnswers = (path: string): Promise<boolean> =>
  new Promise((resolve) => {
    if (!existsSync(path)) return resolve(false)
    const socket = net.connect({ path })
    socket.once("connect", () => {
      socket.destroy()
      resolve(true)
    })
    socket.once("error", () => resolve(false))
  })

export type Preflight =
  | { readonly ok: true; readonly modes: ReadonlyArray<Mode>; readonly notes: ReadonlyArray<string> }
  | { readonly ok: false; readonly reason: string }

/** Whether this machine can run a private pcscd, and in which modes; otherwise why not. */
export const preflight = async (): Promise<Preflight> => {
  if (process.platform !== "linux") return { ok: false, reason: `needs Linux (this is ${process.platform})` }
  const driver = await Effect.runPromise(Effect.result(loadSmartcard))
  if (driver._tag === "Failure") return { ok: false, reason: driver.failure.message }
  if (which("pcscd") === undefined)
    return { ok: false, reason: "pcscd is not installed (Debian/Ubuntu: sudo apt-get install pcscd)" }
  const vpcd = VPCD_DRIVERS.find((p) => existsSync(p))
  if (vpcd === undefined)
    return {
      ok: false,
      reason:
        "the vsmartcard virtual reader driver is not installed (Debian/Ubuntu: sudo apt-get install vsmartcard-vpcd)"
    }
  if (process.getuid?.() !== 0)
    return { ok: false, reason: "a private pcscd needs root (it creates /run/pcscd); run the tests as root" }
  const pid = readPid()
  if (pid !== undefined && processAlive(pid))
    return {
      ok: false,
      reason: `a pcscd (pid ${pid}) is already running and was not started by these tests; stop it (sudo systemctl stop pcscd.socket pcscd.service) to run them`
    }
  if (await socketAnswers(PCSCD_SOCKET))
    return {
      ok: false,
      reason: `something (systemd's pcscd.socket?) already answers on ${PCSCD_SOCKET}; stop it (sudo systemctl stop pcscd.socket pcscd.service) to run these tests`
    }
  const notes: Array<string> = []
  const modes: Array<Mode> = []
  if (which("unshare") !== undefined && which("ip") !== undefined) {
    const probe = spawnSync("unshare", ["--net", "--", "ip", "link", "set", "lo", "up"], { stdio: "pipe" })
    if (probe.status === 0) modes.push("netns")
    else notes.push(`unshare --net failed (${probe.stderr.toString().trim() || `status ${probe.status}`})`)
  } else notes.push("unshare or ip is missing (util-linux, iproute2)")
  modes.push("reversed")
  return { ok: true, modes, notes }
}

const supervisorEntry = (): { readonly file: string; readonly flags: ReadonlyArray<string> } => {
  const self = fileURLToPath(import.meta.url)
  const ts = self.endsWith(".ts")
  return {
    file: join(self, "..", `PcscdSupervisor.${ts ? "ts" : "js"}`),
    flags: ts ? ["--disable-warning=ExperimentalWarning"] : []
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Polls (every 50 ms, in a child process) until PC/SC lists both virtual readers; false after `timeoutMs`. Not in
 * this process: pcscd answers SCardEstablishContext only once every reader has initialised, which in reversed mode
 * needs this process's cards to answer, and smartcard's establish and listReaders are synchronous. Not in a worker
 * thread either: smartcard 3.7 keeps its classes in static references, and a worker that loads it breaks the main
 * thread's copy (SIGSEGV).
 */
const probeReaders = (timeoutMs: number): Promise<boolean> =>
  new Promise((resolve) => {
    const code = `
      const [from, timeoutMs, names] = JSON.parse(process.argv[1])
      const sc = require("node:module").createRequire(from)("smartcard")
      const deadline = Date.now() + timeoutMs
      const tick = () => {
        try {
          const ctx = new sc.Context()
          const listed = ctx.listReaders().map((r) => r.name)
          ctx.close()
          if (names.every((n) => listed.includes(n))) process.exit(0)
        } catch {}
        if (Date.now() > deadline) process.exit(1)
        setTimeout(tick, 50)
      }
      tick()`
    const args = JSON.stringify([fileURLToPath(import.meta.url), timeoutMs, [...READER_NAMES]])
    const probe = spawn(process.execPath, ["-e", code, args], { stdio: "ignore" })
    probe.once("exit", (status) => resolve(status === 0))
    probe.once("error", () => resolve(false))
  })

/** Starts pcscd with the virtual reader. Call {@link preflight} first to skip cleanly where it cannot run. */
export const start = async (options: VirtualPcscOptions = {}): Promise<VirtualPcsc> => {
  const check = await preflight()
  if (!check.ok) throw new Error(`cannot start a private pcscd: ${check.reason}`)
  const mode: Mode = options.mode === undefined || options.mode === "auto" ? check.modes[0]! : (options.mode as Mode)
  if (!check.modes.includes(mode)) throw new Error(`mode ${mode} is not available here: ${check.notes.join("; ")}`)
  const quickack = mode === "netns" && options.quickack !== false
  const apduLog = options.apduLog ?? process.env.JPCARD_PCSCD_DEBUG === "1"
  const driver: Driver = await Effect.runPromise(loadSmartcard)

  const dir = mkdtempSync(join(tmpdir(), "jpcard-pcscd-"))
  const configDir = join(dir, "reader.conf.d")
  const logFile = join(dir, "pcscd.log")
  mkdirSync(configDir)
  writeFileSync(logFile, "")

  const slotPaths = [join(dir, "slot0.sock"), join(dir, "slot1.sock")] as const
  const vpcdDriver = VPCD_DRIVERS.find((p) => existsSync(p))!
  if (mode === "reversed" && options.reversedCards === undefined)
    throw new Error("reversed mode needs reversedCards: both slots must hold a card for the whole run")
  if (mode === "netns")
    writeFileSync(
      join(configDir, "vpcd"),
      `FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:0x8C7B\nLIBPATH      ${vpcdDriver}\nCHANNELID    0x8C7B\n`
    )
  const config: SupervisorConfig = {
    configDir,
    logFile,
    apduLog,
    slots: slotPaths,
    mode: mode === "netns" ? { _tag: "netns", quickack, ports: [35963, 35964] } : { _tag: "reversed", vpcdDriver }
  }

  const entry = supervisorEntry()
  const nodeArgs = [...entry.flags, entry.file, JSON.stringify(config)]
  const child: ChildProcess =
    mode === "netns"
      ? spawn("unshare", ["--net", "--", process.execPath, ...nodeArgs], { stdio: ["pipe", "pipe", "inherit"] })
      : spawn(process.execPath, nodeArgs, { stdio: ["pipe", "pipe", "inherit"] })
  const supervisorExit = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  let pcscdPid = 0
  let pcscdExited = false
  let resolveListening: () => void = () => undefined
  const listening = new Promise<void>((resolve) => (resolveListening = resolve))
  const ready = new Promise<number>((resolve, reject) => {
    let buffer = ""
    child.stdout?.on("data", (chunk: Buffer) => {
      buffer += chunk.toString()
      for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
        const line = buffer.slice(0, i)
        buffer = buffer.slice(i + 1)
        let message: { listening?: boolean; ready?: boolean; pcscdPid?: number; error?: string; pcscdExit?: unknown }
        try {
          message = JSON.parse(line)
        } catch {
          continue
        }
        if (message.listening === true) resolveListening()
        if (message.ready === true && message.pcscdPid !== undefined) resolve(message.pcscdPid)
        if (message.error !== undefined) reject(new Error(message.error))
        if (message.pcscdExit !== undefined) {
          pcscdExited = true
          reject(new Error(`pcscd exited: ${JSON.stringify(message.pcscdExit)}`))
        }
      }
    })
    child.once("exit", (code) => reject(new Error(`the pcscd supervisor exited (status ${code})`)))
  })

  let stopped = false
  let ctx: DriverContext | undefined
  let chain: Promise<unknown> = Promise.resolve()
  const serial = <A>(f: () => Promise<A> | A): Promise<A> => {
    const next = chain.then(f, f)
    chain = next.catch(() => undefined)
    return next
  }
  const links: Array<CardLink | undefined> = [undefined, undefined]
  const readLog = () => {
    try {
      return readFileSync(logFile, "utf8")
    } catch {
      return ""
    }
  }

  const stop = async () => {
    if (stopped) return
    stopped = true
    try {
      ctx?.cancel()
    } catch {
      // released
    }
    await chain
    for (const l of links) l?.session.remove()
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, "SIGTERM")
      const done = await Promise.race([supervisorExit.then(() => true), delay(6000).then(() => false)])
      if (!done && child.pid !== undefined) process.kill(child.pid, "SIGKILL")
    }
    if (pcscdPid > 0 && processAlive(pcscdPid)) process.kill(pcscdPid, "SIGKILL")
    // A pcscd that was killed (a test may do that on purpose) leaves its pid file and socket behind: remove them
    // when they are ours.
    if (pcscdPid > 0 && readPid() === pcscdPid && !processAlive(pcscdPid)) {
      rmSync(PCSCD_PID_FILE, { force: true })
      rmSync(PCSCD_SOCKET, { force: true })
    }
    try {
      ctx?.release()
    } catch {
      // the service is gone
    }
    rmSync(dir, { recursive: true, force: true })
  }

  try {
    if (mode === "reversed") {
      // the supervisor starts pcscd once both cards are connected
      await Promise.race([listening, ready])
      const cards = options.reversedCards!
      for (const slot of [0, 1] as const)
        links[slot] = await connect(cards[slot], { path: slotPaths[slot] }, { retryFor: 5000 })
    }
    pcscdPid = await Promise.race([
      ready,
      delay(options.startTimeoutMs ?? 15_000).then(() => Promise.reject(new Error("pcscd did not start in time")))
    ])
    // Wait for the service and both virtual readers, from a worker thread: pcscd answers SCardEstablishContext
    // only once every reader has initialised, which in reversed mode needs this process's cards to answer, and
    // smartcard's establish and listReaders are synchronous.
    const listed = await probeReaders(options.startTimeoutMs ?? 15_000)
    if (!listed)
      throw new Error(
        `pcscd did not list the virtual readers in time${pcscdExited ? " (it stopped)" : ""}:\n${readLog()}`
      )
    ctx = driver.establish()
  } catch (error) {
    await stop()
    throw error
  }
  const harnessContext = ctx!

  const waitFor = (slot: Slot, present: boolean, timeoutMs = 10_000) =>
    serial(async () => {
      const name = READER_NAMES[slot]
      const deadline = Date.now() + timeoutMs
      let status = harnessContext.listReaders().find((r) => r.name === name)
      while (true) {
        if (status === undefined) throw new Error(`reader ${name} is gone`)
        if (((status.state & State.Present) !== 0) === present) return
        const left = deadline - Date.now()
        if (left <= 0) throw new Error(`${name}: no card ${present ? "insertion" : "removal"} within ${timeoutMs} ms`)
        const change = await harnessContext.getStatusChange([{ name, state: status.state }], left)
        if (change === "cancelled") throw new Error("stopped")
        if (change !== "timeout") status = change.find((r) => r.name === name)
      }
    })

  const requireNetns = (what: string) => {
    if (mode !== "netns")
      throw new Error(
        `${what} needs netns mode: in reversed mode, Debian's vpcd 0.8 aborts pcscd when a card leaves (it polls a closed socket)`
      )
  }

  return {
    mode,
    quickack,
    readers: READER_NAMES,
    pcscdPid,
    supervisorPid: child.pid ?? 0,
    waitFor,
    link: (slot) => {
      const l = links[slot]
      return l?.session.closed() === false ? l : undefined
    },
    insert: async (slot, card, attachOptions = {}) => {
      requireNetns("inserting a card")
      if (links[slot]?.session.closed() === false) throw new Error(`slot ${slot} already holds a card`)
      const l = await connect(card, { path: slotPaths[slot] }, { ...attachOptions, retryFor: 5000 })
      links[slot] = l
      await waitFor(slot, true)
      return l
    },
    remove: async (slot) => {
      requireNetns("removing a card")
      await links[slot]?.remove()
      links[slot] = undefined
      await waitFor(slot, false)
    },
    log: readLog,
    alive: () => pcscdPid > 0 && !pcscdExited && processAlive(pcscdPid),
    stop
  }
}
