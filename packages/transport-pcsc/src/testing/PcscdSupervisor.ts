/**
 * Runs pcscd in the foreground for `VirtualPcsc`, and sits between vpcd and the simulated cards. A separate process,
 * so that pcscd can live in a private network namespace (`unshare --net`), so that pcscd is stopped even if the test
 * process dies (this process watches its stdin), and so that vpcd never waits on the test process. Standalone: Node
 * built-ins only and erasable TypeScript, so Node runs the source directly (type stripping) as well as the compiled
 * file.
 *
 * Argument: one JSON object, {@link SupervisorConfig}. Output: JSON lines on stdout: `{"listening":true}` once the
 * card sockets listen, `{"ready":true,"pcscdPid":N}` once pcscd says "daemon ready", `{"error":"..."}` on a setup
 * failure, `{"pcscdExit":...}` if pcscd stops by itself. SIGTERM, SIGINT or the end of stdin stop pcscd (by its
 * PID: SIGTERM, then SIGKILL after 3 s) and exit.
 *
 * Cards connect to one Unix socket per slot (in the shared filesystem). Each connection is relayed to vpcd:
 * - `netns`: this process runs inside `unshare --net`, where vpcd listens on 0.0.0.0:35963/35964 of the namespace
 *   only; a card connection opens a TCP connection to 127.0.0.1:<slot port> there. With `quickack`, the namespace's
 *   loopback routes get `quickack 1`, which removes the ~40 ms delayed-ACK stall of Debian's vpcd (it sends length
 *   and body in two writes).
 * - `reversed`: this process waits for both cards, then listens on two consecutive free ports of 127.0.0.1, writes
 *   the vpcd configuration with them (`DEVICENAME 127.0.0.1:<port>`), and starts pcscd, which connects to them.
 *
 * The relay answers vpcd's presence polls (`04`, "send your ATR", several per second) itself with the card's ATR,
 * learnt from the card's first answer. Everything else goes through. So pcscd never waits for the test process
 * except on APDUs that the test process sent itself: a synchronous PC/SC call there (`smartcard`'s disconnect,
 * establish, list) would otherwise deadlock against a presence poll holding the reader's lock in pcscd.
 *
 * @since 0.1.0
 */
import { execFileSync, spawn } from "node:child_process"
import { openSync, rmSync, writeFileSync, writeSync } from "node:fs"
import * as net from "node:net"
import { join } from "node:path"

export interface SupervisorConfig {
  /** pcscd `--config` directory (the supervisor writes the vpcd file in reversed mode). */
  readonly configDir: string
  /** pcscd's stdout and stderr go here. */
  readonly logFile: string
  /** pcscd `--apdu --debug`. */
  readonly apduLog: boolean
  /** The cards' Unix sockets, slot 0 and slot 1. */
  readonly slots: readonly [string, string]
  readonly mode:
    | { readonly _tag: "netns"; readonly quickack: boolean; readonly ports: readonly [number, number] }
    | { readonly _tag: "reversed"; readonly vpcdDriver: string }
}

const say = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`)

/** vpcd framing: uint16 big-endian length, then the payload. */
const frame = (payload: Buffer): Buffer =>
  Buffer.concat([Buffer.from([payload.length >> 8, payload.length & 0xff]), payload])

const frames = () => {
  let buffer: Buffer = Buffer.alloc(0)
  return (chunk: Buffer): Array<Buffer> => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk])
    const out: Array<Buffer> = []
    while (buffer.length >= 2 && buffer.length >= 2 + buffer.readUInt16BE(0)) {
      const length = buffer.readUInt16BE(0)
      out.push(buffer.subarray(2, 2 + length))
      buffer = buffer.subarray(2 + length)
    }
    return out
  }
}

const ATR_REQUEST = 0x04

/** Relays one card connection to one vpcd connection, answering presence polls from the cached ATR. */
const pair = (vpcd: net.Socket, card: net.Socket, sockets: Set<net.Socket>) => {
  sockets.add(vpcd)
  vpcd.setNoDelay(true)
  let atr: Buffer | undefined
  let awaitingAtr = false
  const fromVpcd = frames()
  const fromCard = frames()
  vpcd.on("data", (chunk: Buffer) => {
    for (const message of fromVpcd(chunk)) {
      if (message.length === 1 && message[0] === ATR_REQUEST) {
        if (atr !== undefined) {
          vpcd.write(frame(atr))
          continue
        }
        awaitingAtr = true
      }
      card.write(frame(message))
    }
  })
  card.on("data", (chunk: Buffer) => {
    for (const message of fromCard(chunk)) {
      if (awaitingAtr) {
        atr = Buffer.from(message)
        awaitingAtr = false
      }
      vpcd.write(frame(message))
    }
  })
  const close = () => {
    vpcd.destroy()
    card.destroy()
  }
  vpcd.on("error", close)
  card.on("error", close)
  vpcd.once("close", () => {
    sockets.delete(vpcd)
    card.destroy()
  })
  card.once("close", () => vpcd.destroy())
  card.resume()
}

const listenTcp = (port: number): Promise<net.Server | undefined> =>
  new Promise((resolve) => {
    const server = net.createServer()
    server.once("error", () => resolve(undefined))
    server.listen(port, "127.0.0.1", () => resolve(server))
  })

const main = async () => {
  const config = JSON.parse(process.argv[2] ?? "{}") as SupervisorConfig
  const servers: Array<net.Server> = []
  const sockets = new Set<net.Socket>()
  let stopping = false
  let pcscd: ReturnType<typeof spawn> | undefined

  const stop = (code: number) => {
    if (stopping) return
    stopping = true
    for (const server of servers) server.close()
    for (const socket of sockets) socket.destroy()
    for (const path of config.slots) rmSync(path, { force: true })
    const child = pcscd
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) {
      process.exit(code)
      return
    }
    const force = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, "SIGKILL")
    }, 3000)
    child.once("exit", () => {
      clearTimeout(force)
      process.exit(code)
    })
    if (child.pid !== undefined) process.kill(child.pid, "SIGTERM")
  }
  const fail = (message: string) => {
    say({ error: message })
    stop(2)
  }
  process.on("SIGTERM", () => stop(0))
  process.on("SIGINT", () => stop(0))
  process.stdin.on("end", () => stop(0))
  process.stdin.on("error", () => stop(0))
  process.stdin.resume()

  const mode = config.mode
  if (mode._tag === "netns") {
    try {
      execFileSync("ip", ["link", "set", "lo", "up"], { stdio: "pipe" })
      if (mode.quickack) {
        // `ip route replace local <prefix> dev lo proto kernel scope host src 127.0.0.1 table local quickack 1`,
        // for both local routes: the more specific 127.0.0.1 one wins for loopback traffic.
        const route = "dev lo proto kernel scope host src 127.0.0.1 table local quickack 1".split(" ")
        for (const prefix of ["127.0.0.0/8", "127.0.0.1"])
          execFileSync("ip", ["route", "replace", "local", prefix, ...route], { stdio: "pipe" })
      }
    } catch (error) {
      return fail(`network namespace setup failed: ${error instanceof Error ? error.message : String(error)}`)
    }
  }

  // Card sockets. netns: each connection is relayed to vpcd at once. reversed: the first connection of each slot
  // is kept for vpcd's connection.
  const waitingCards: Array<(card: net.Socket) => void> = []
  const cardsArrived = config.slots.map(
    (_, slot) => new Promise<net.Socket>((resolve) => (waitingCards[slot] = resolve))
  )
  config.slots.forEach((path, slot) => {
    rmSync(path, { force: true })
    const server = net.createServer((card) => {
      sockets.add(card)
      card.once("close", () => sockets.delete(card))
      card.pause()
      if (mode._tag === "reversed") {
        waitingCards[slot]?.(card)
        return
      }
      const deadline = Date.now() + 10_000
      const open = () => {
        const vpcd = net.connect({ host: "127.0.0.1", port: mode.ports[slot]! })
        vpcd.once("error", (error: NodeJS.ErrnoException) => {
          vpcd.destroy()
          if (error.code === "ECONNREFUSED" && Date.now() < deadline && !card.destroyed && !stopping)
            setTimeout(open, 25)
          else card.destroy()
        })
        vpcd.once("connect", () => pair(vpcd, card, sockets))
      }
      open()
    })
    server.listen(path)
    servers.push(server)
  })
  say({ listening: true })

  if (mode._tag === "reversed") {
    const cards = await Promise.all(cardsArrived)
    // Both ports must listen before pcscd starts (vpcd 0.8 aborts pcscd on a refused slot).
    let pairOfServers: [net.Server, net.Server] | undefined
    for (let attempt = 0; attempt < 20 && pairOfServers === undefined; attempt++) {
      const first = await listenTcp(0)
      if (first === undefined) continue
      const port = (first.address() as net.AddressInfo).port
      const second = port < 65535 ? await listenTcp(port + 1) : undefined
      if (second === undefined) first.close()
      else pairOfServers = [first, second]
    }
    if (pairOfServers === undefined) return fail("no two consecutive free loopback ports for reversed-mode vpcd")
    pairOfServers.forEach((server, slot) => {
      servers.push(server)
      server.on("connection", (vpcd) => {
        const card = cards[slot]!
        if (card.destroyed) vpcd.destroy()
        else pair(vpcd, card, sockets)
      })
    })
    const port = (pairOfServers[0].address() as net.AddressInfo).port
    const hex = `0x${port.toString(16).toUpperCase()}`
    writeFileSync(
      join(config.configDir, "vpcd"),
      `FRIENDLYNAME "Virtual PCD"\nDEVICENAME   127.0.0.1:${hex}\nLIBPATH      ${mode.vpcdDriver}\nCHANNELID    ${hex}\n`
    )
  }

  // pcscd logs at info level at least, so that "daemon ready" shows.
  const log = openSync(config.logFile, "a")
  const args = ["--foreground", "--config", config.configDir, ...(config.apduLog ? ["--apdu", "--debug"] : ["--info"])]
  const child = spawn("pcscd", args, { stdio: ["ignore", "pipe", "pipe"] })
  pcscd = child
  let seen = ""
  let ready = false
  const onOutput = (chunk: Buffer) => {
    writeSync(log, chunk)
    if (ready) return
    seen += chunk.toString("latin1")
    if (!seen.includes("daemon ready")) seen = seen.slice(-20)
    else {
      ready = true
      say({ ready: true, pcscdPid: child.pid })
    }
  }
  child.stdout?.on("data", onOutput)
  child.stderr?.on("data", onOutput)
  child.once("error", (error) => fail(`cannot start pcscd: ${error.message}`))
  child.once("exit", (code, signal) => {
    if (stopping) return
    say({ pcscdExit: { code, signal } })
    stop(1)
  })
}

void main()
