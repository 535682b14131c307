// Runs `jpcard` commands in-process as main.ts does (same exit codes, same `jpcard: …` lines), against an in-memory
// PC/SC driver holding simulated cards, with the environment given per run.
import { NodeServices } from "@effect/platform-node"
import type { SimulatedCard } from "@jpcard/sim"
import { Pcsc, TestDriver } from "@jpcard/transport-pcsc"
import { ConfigProvider, Effect, Exit } from "effect"
import { run as runJpcard } from "../src/Cli.js"
import { fromExit } from "../src/ExitCode.js"
import { failureLines } from "../src/Failure.js"
import { PcscBinding } from "../src/Session.js"

export const READER = "Test Reader 0"

export interface RunResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export interface RunOptions {
  readonly env?: Record<string, string>
  readonly driver?: TestDriver.TestDriver
}

/** A driver with one reader (and the card, if given). */
export const driverWith = (card?: SimulatedCard.SimulatedCard, reader = READER): TestDriver.TestDriver => {
  const driver = TestDriver.make()
  driver.addReader(reader)
  if (card !== undefined) driver.insert(reader, card)
  return driver
}

/** The command as main.ts runs it; stdout and stderr captured. */
export const program = (args: ReadonlyArray<string>, options: RunOptions = {}) =>
  runJpcard(args).pipe(
    Effect.provideService(PcscBinding, Pcsc.layerDriver(options.driver ?? driverWith())),
    Effect.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env: options.env ?? {} }))),
    Effect.provide(NodeServices.layer)
  )

export const capture = async <A>(f: () => Promise<A>): Promise<{ result: A; stdout: string; stderr: string }> => {
  const out: Array<string> = []
  const err: Array<string> = []
  const log = console.log
  const error = console.error
  const info = console.info
  const write = process.stdout.write
  console.log = (...parts: Array<unknown>) => void out.push(parts.map(String).join(" "))
  console.info = console.log
  console.error = (...parts: Array<unknown>) => void err.push(parts.map(String).join(" "))
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("latin1"))
    return true
  }) as typeof process.stdout.write
  try {
    const result = await f()
    return { result, stdout: out.join("\n"), stderr: err.join("\n") }
  } finally {
    console.log = log
    console.error = error
    console.info = info
    process.stdout.write = write
  }
}

export const run = async (args: ReadonlyArray<string>, options: RunOptions = {}): Promise<RunResult> => {
  const { result: exit, stdout, stderr } = await capture(() => Effect.runPromiseExit(program(args, options)))
  const lines = Exit.isFailure(exit) ? failureLines(exit.cause) : []
  return { code: fromExit(exit), stdout, stderr: [stderr, ...lines].filter((s) => s !== "").join("\n") }
}

/** A card that records every command APDU it is sent. */
export const recording = <C extends SimulatedCard.SimulatedCard>(card: C) => {
  const commands: Array<Uint8Array> = []
  const wrapped: SimulatedCard.SimulatedCard = {
    atr: card.atr,
    powerOn: () => card.powerOn(),
    powerOff: () => card.powerOff(),
    transmit: (command) => {
      commands.push(Uint8Array.from(command))
      return card.transmit(command)
    }
  }
  /** VERIFY commands that carry data (a secret); the tries query `00 20 00 80` carries none. */
  const verifiesWithData = () => commands.filter((c) => c[1] === 0x20 && c.length > 5)
  return { card: wrapped, commands, verifiesWithData }
}
