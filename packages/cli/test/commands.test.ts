// --help for every command, exit codes, `jpcard watch`, and `jpcard sim` against a stand-in for vpcd.
import * as net from "node:net"
import { ResidenceGen1 } from "@jpcard/sim"
import { FrameDecoder, frame } from "@jpcard/sim/vpcd/Vpcd"
import { Effect, Fiber } from "effect"
import { CliError } from "effect/cli"
import { describe, expect, it } from "vitest"
import { redact } from "../src/CommandLineErrors.js"
import { classify, ExitCode } from "../src/ExitCode.js"
import { messageOf } from "../src/Failure.js"
import { capture, driverWith, program, READER, run } from "./helpers.js"

describe("--help", () => {
  const commands: ReadonlyArray<readonly [ReadonlyArray<string>, ReadonlyArray<string>]> = [
    [[], ["JPCARD_CARD_NUMBER", "JPCARD_PIN", "JPCARD_SIGNING_PASSWORD", "JPCARD_VERIFICATION_NUMBER_B"]],
    [["readers"], []],
    [["watch"], []],
    [["read"], []],
    [
      ["read", "residence"],
      ["JPCARD_CARD_NUMBER", "--card-number-env"]
    ],
    [
      ["read", "mynumber"],
      ["JPCARD_PIN", "JPCARD_VERIFICATION_NUMBER_B", "JPCARD_BIRTH_DATE", "JPCARD_SECURITY_CODE", "--allow-last-try"]
    ],
    [["jpki"], []],
    [["jpki", "certs"], ["JPCARD_SIGNING_PASSWORD"]],
    [
      ["jpki", "sign"],
      ["JPCARD_PIN", "JPCARD_SIGNING_PASSWORD", "--allow-last-try", "--digest"]
    ],
    [["jpki", "pin-status"], ["never consumes a try"]],
    [["verify"], ["--trust", "--trust-test-ca", "--profile"]],
    [["sim"], []],
    [
      ["sim", "residence"],
      ["--port", "35963"]
    ],
    [["sim", "mynumber"], ["--tries-left"]],
    [["demo"], []]
  ]
  for (const [path, mentions] of commands)
    it(`jpcard ${[...path, "--help"].join(" ")}`, async () => {
      const result = await run([...path, "--help"])
      expect(result.code).toBe(0)
      expect(result.stdout).toContain("USAGE")
      expect(result.stdout).toContain(`jpcard ${path.join(" ")}`.trim())
      for (const mention of mentions) expect(result.stdout).toContain(mention)
    })
})

describe("exit codes", () => {
  it("classifies user, card, reader and verification errors", () => {
    const tagged = (tag: string) => ({ _tag: tag })
    expect(classify(tagged("InvalidCredentialError"))).toBe(ExitCode.usage)
    expect(classify(tagged("SecretOnCommandLineError"))).toBe(ExitCode.usage)
    expect(classify(tagged("MissingSecretError"))).toBe(ExitCode.usage)
    expect(classify(tagged("AnchorError"))).toBe(ExitCode.usage)
    expect(classify(tagged("WrongPinError"))).toBe(ExitCode.card)
    expect(classify(tagged("PinLockedError"))).toBe(ExitCode.card)
    expect(classify(tagged("LastTryRefusedError"))).toBe(ExitCode.card)
    expect(classify(tagged("ResidenceAuthenticationError"))).toBe(ExitCode.card)
    expect(classify(tagged("TransportError"))).toBe(ExitCode.reader)
    expect(classify(tagged("VirtualReaderError"))).toBe(ExitCode.reader)
    expect(classify(tagged("VerificationFailedError"))).toBe(ExitCode.verification)
    expect(classify(tagged("SomethingElse"))).toBe(ExitCode.unexpected)
    expect(classify(new Error("x"))).toBe(ExitCode.unexpected)
  })

  it("every error class the packages export has an exit code (none falls to 1, 'a bug')", async () => {
    // Walks the public modules for tagged error classes (their `identifier` is the `_tag` their instances carry), so
    // an error added to a package without a place in the table fails here rather than in a user's script.
    const modules = {
      core: await import("@jpcard/core"),
      verify: await import("@jpcard/verify"),
      pcsc: await import("@jpcard/transport-pcsc"),
      codes: await import("@jpcard/codes"),
      cli: await import("../src/Errors.js")
    }
    const tags = new Set<string>()
    const seen = new Set<unknown>()
    const walk = (value: unknown, depth: number) => {
      if (value === null || (typeof value !== "object" && typeof value !== "function") || seen.has(value)) return
      seen.add(value)
      if (typeof value === "function") {
        const identifier = (value as { identifier?: unknown }).identifier
        if (typeof identifier === "string" && value.prototype instanceof Error) tags.add(identifier)
        return
      }
      if (depth < 4) for (const key of Object.keys(value)) walk((value as Record<string, unknown>)[key], depth + 1)
    }
    walk(modules, 0)
    expect(tags.size).toBeGreaterThan(20)
    expect(tags).toContain("InvalidArgumentError")
    const unclassified = [...tags].filter((tag) => classify({ _tag: tag }) === ExitCode.unexpected).sort()
    expect(unclassified).toEqual([])
  })

  it("speaks of --allow-last-try, not of the library's option", () => {
    expect(messageOf({ message: "…, then call again with { allowLastTry: true }" })).toBe(
      "…, then run the same command again with --allow-last-try"
    )
  })

  it("an unknown flag shows the help and is a usage error (exit code 2)", async () => {
    const result = await run(["readers", "--bogus"])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("Unrecognized flag: --bogus in command jpcard readers")
  })
})

describe("parse errors never repeat a value typed (it may be a secret)", () => {
  // Each of these made effect/cli's own message quote the PIN, the card number or the password.
  const cases: ReadonlyArray<readonly [args: ReadonlyArray<string>, says: string]> = [
    [["read", "mynumber", "--with", "1234"], "Invalid value for flag --with"],
    [["read", "mynumber", "--with=5678"], "Invalid value for flag --with"],
    [["read", "residence", "--json=AB12345678CD"], "Invalid value for flag --json"],
    [["jpki", "1234"], 'Unknown subcommand for "jpcard jpki"'],
    [["AB12345678CD"], 'Unknown subcommand for "jpcard"'],
    [["read", "mynumber", "-p1234"], "Unrecognized flag in command jpcard read mynumber"],
    [["read", "residence", "-AB12345678CD"], "Unrecognized flag in command jpcard read residence"],
    [["read", "mynumber", "--pass1234"], "Unrecognized flag in command jpcard read mynumber"]
  ]
  for (const [args, says] of cases)
    it(`jpcard ${args.join(" ")}`, async () => {
      const result = await run(args)
      expect(result.code).toBe(2)
      expect(result.stderr).toContain(says)
      expect(result.stderr).toContain("not repeated here")
      const typed = args.at(-1)!.replace(/^-+(\w+=)?/, "")
      for (const secret of [typed, ...typed.match(/\d{2,}/g)!])
        expect(`${result.stdout}\n${result.stderr}`).not.toContain(secret)
    })

  it("-p1234 is one line, not one per digit", async () => {
    const result = await run(["read", "mynumber", "-p1234"])
    expect(result.stderr).not.toMatch(/-[1-4]\b/)
    expect(result.stderr.match(/Unrecognized flag/g)).toHaveLength(1)
  })

  it("a secret-shaped word of the command line is blanked in any other parse message", () => {
    const [error] = redact(
      [new CliError.ValidationError({ message: 'Expected a reader name, got "AB12345678CD" and 4321, not 9876' })],
      ["read", "residence", "--reader=AB12345678CD", "4321", "-x9876"]
    )
    expect(error!.message).toBe('Expected a reader name, got "<not shown>" and <not shown>, not <not shown>')
  })

  it("a mistyped subcommand still gets its suggestion", async () => {
    const result = await run(["raed"])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("Did you mean this?")
    expect(result.stderr).toContain("read")
  })
})

describe("jpcard watch", () => {
  it("reports the current state, then changes, as JSON lines", async () => {
    const driver = driverWith(ResidenceGen1.make())
    const initial = await run(["watch", "--json", "--count", "2"], { driver })
    expect(initial.code, initial.stderr).toBe(0)
    expect(initial.stdout.split("\n").map((l) => JSON.parse(l).event)).toEqual(["ReaderAdded", "CardInserted"])

    const { result: exit, stdout } = await capture(async () => {
      const fiber = Effect.runFork(program(["watch", "--changes-only", "--count", "2"], { driver }))
      await new Promise((resolve) => setTimeout(resolve, 50))
      driver.remove(READER)
      driver.insert(READER, ResidenceGen1.make())
      return await Effect.runPromise(Fiber.await(fiber))
    })
    expect(exit._tag).toBe("Success")
    expect(stdout).toMatch(/card removed: Test Reader 0\n.*card inserted: Test Reader 0 \(ATR 3B88/)
  })
})

describe("jpcard sim", () => {
  /** A stand-in for vpcd: accepts the card's connection and talks the vpcd framing to it. */
  const fakeVpcd = async () => {
    const server = net.createServer()
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const port = (server.address() as net.AddressInfo).port
    const connected = new Promise<net.Socket>((resolve) => server.once("connection", resolve))
    return { server, port, connected }
  }
  const exchange = (socket: net.Socket, payload: Uint8Array) =>
    new Promise<Uint8Array>((resolve) => {
      const decoder = new FrameDecoder()
      const onData = (chunk: Buffer) => {
        const frame = decoder.push(new Uint8Array(chunk))[0]
        if (frame === undefined) return
        socket.off("data", onData)
        resolve(frame)
      }
      socket.on("data", onData)
      socket.write(frame(payload))
    })

  it("sim residence puts the card in vpcd, prints its card number, and takes it out on Ctrl-C", async () => {
    const vpcd = await fakeVpcd()
    const { result, stdout, stderr } = await capture(async () => {
      const fiber = Effect.runFork(program(["sim", "residence", "--port", String(vpcd.port), "--seed", "x"]))
      const socket = await vpcd.connected
      const atr = await exchange(socket, Uint8Array.of(0x04))
      socket.write(frame(Uint8Array.of(0x01))) // power on: no answer
      const select = await exchange(socket, Uint8Array.of(0x00, 0xa4, 0x00, 0x00, 0x02, 0x3f, 0x00))
      const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()))
      await Effect.runPromise(Fiber.interrupt(fiber))
      await closed
      return { atr, select }
    })
    vpcd.server.close()
    expect(Array.from(result.atr.subarray(0, 2))).toEqual([0x3b, 0x88])
    expect(Array.from(result.select)).toEqual([0x90, 0x00])
    expect(stdout).toContain("card number: AB12345678CD")
    expect(stderr).toContain("Ctrl-C removes the card")
    expect(stderr).toContain("the simulated card was removed from the virtual reader")
  })

  it("sim mynumber --json prints the fictitious PINs for scripts; bad --tries-left is a usage error", async () => {
    const vpcd = await fakeVpcd()
    const { result, stdout } = await capture(async () => {
      const fiber = Effect.runFork(
        program(["sim", "mynumber", "--json", "--port", String(vpcd.port), "--tries-left", "kenhojoPin=1"])
      )
      const socket = await vpcd.connected
      await exchange(socket, Uint8Array.of(0x04))
      await Effect.runPromise(Fiber.interrupt(fiber))
      return true
    })
    vpcd.server.close()
    expect(result).toBe(true)
    const json = JSON.parse(stdout.split("\n")[0]!) as { pins: { kenhojo: string }; triesLeft: object }
    expect(json.pins.kenhojo).toBe("1234")
    expect(json.triesLeft).toEqual({ kenhojoPin: 1 })
    expect((await run(["sim", "mynumber", "--tries-left", "nope=1"])).code).toBe(2)
  })

  it("vpcd not reachable is a reader error (exit code 4) saying what to install", async () => {
    const vpcd = await fakeVpcd()
    vpcd.server.close()
    await new Promise((resolve) => setTimeout(resolve, 10))
    const result = await run(["sim", "residence", "--port", String(vpcd.port)])
    expect(result.code).toBe(4)
    expect(result.stderr).toContain("vsmartcard-vpcd")
    const remote = await run(["sim", "residence", "--host", "192.0.2.1"])
    expect(remote.code).toBe(4)
    expect(remote.stderr).toContain("loopback")
  })
})
