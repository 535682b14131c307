// The Node side of the vpcd bridge over real loopback sockets, with the test playing vpcd: framing on the wire,
// removal, retries, reversed mode, and the loopback-only rule.
import * as net from "node:net"
import { assert, describe, it } from "@effect/vitest"
import type { SimulatedCard } from "@jpcard/sim/SimulatedCard"
import { FrameDecoder, frame } from "@jpcard/sim/vpcd/Vpcd"
import * as Vpcd from "../src/Vpcd.js"

const card = (): SimulatedCard => ({
  atr: Uint8Array.of(0x3b, 0x80, 0x80, 0x01, 0x01),
  powerOn: () => undefined,
  powerOff: () => undefined,
  transmit: (c) => (c[1] === 0xa4 ? Uint8Array.of(0x90, 0x00) : Uint8Array.of(0x6d, 0x00))
})
const hex = (b: Uint8Array) =>
  Array.from(b, (x) => x.toString(16).padStart(2, "0"))
    .join("")
    .toUpperCase()

/** Plays vpcd on one socket: send framed messages, read framed answers. */
const vpcdPeer = (socket: net.Socket) => {
  const decoder = new FrameDecoder()
  const frames: Array<Uint8Array> = []
  const waiting: Array<() => void> = []
  socket.on("data", (chunk: Buffer) => {
    frames.push(...decoder.push(new Uint8Array(chunk)))
    for (const w of waiting.splice(0)) w()
  })
  const next = async (): Promise<string> => {
    while (frames.length === 0) await new Promise<void>((resolve) => waiting.push(resolve))
    return hex(frames.shift()!)
  }
  return { send: (b: Uint8Array) => socket.write(frame(b)), next }
}

/** A fake vpcd server on a free loopback port. */
const fakeVpcd = () =>
  new Promise<{ port: number; connection: Promise<net.Socket>; close: () => void }>((resolve) => {
    let accept: (s: net.Socket) => void = () => undefined
    const connection = new Promise<net.Socket>((r) => (accept = r))
    const server = net.createServer((s) => accept(s))
    server.listen(0, "127.0.0.1", () =>
      resolve({ port: (server.address() as net.AddressInfo).port, connection, close: () => server.close() })
    )
  })

describe("Vpcd.isLoopback", () => {
  it("accepts 127.0.0.0/8, ::1 and localhost only", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "::ffff:127.0.0.1"])
      assert.isTrue(Vpcd.isLoopback(host), host)
    for (const host of ["0.0.0.0", "10.0.0.1", "192.168.1.2", "::", "example.com", "128.0.0.1"])
      assert.isFalse(Vpcd.isLoopback(host), host)
  })
})

describe("Vpcd.connect (vpcd listens)", () => {
  it("refuses a host that is not loopback", async () => {
    const error = await Vpcd.connect(card(), { host: "0.0.0.0", port: 35963 }).catch((e: unknown) => e)
    assert.instanceOf(error, Vpcd.VpcdError)
    assert.strictEqual((error as Vpcd.VpcdError).reason, "NotLoopback")
    assert.match((error as Error).message, /loopback addresses only/)
  })

  it("answers vpcd's ATR request and APDUs; remove() closes the connection", async () => {
    const server = await fakeVpcd()
    const link = await Vpcd.connect(card(), { port: server.port })
    const peer = vpcdPeer(await server.connection)
    peer.send(Uint8Array.of(0x04))
    assert.strictEqual(await peer.next(), "3B80800101")
    peer.send(Uint8Array.of(0x01))
    peer.send(Uint8Array.of(0x00, 0xa4, 0x00, 0x0c, 0x02, 0x3f, 0x00))
    assert.strictEqual(await peer.next(), "9000")
    assert.strictEqual(link.session.commands(), 1)
    const vpcdSide = await server.connection
    const closedOnVpcdSide = new Promise<void>((resolve) => vpcdSide.once("close", () => resolve()))
    await link.remove()
    await closedOnVpcdSide
    assert.isTrue(link.session.closed())
    server.close()
  })

  it("vpcd closing the connection removes the card", async () => {
    const server = await fakeVpcd()
    const link = await Vpcd.connect(card(), { host: "localhost", port: server.port })
    ;(await server.connection).destroy()
    await link.closed
    assert.isTrue(link.session.closed())
    server.close()
  })

  it("retries a refused connection while retryFor lasts, and reports an unreachable vpcd", async () => {
    const probe = await fakeVpcd()
    const port = probe.port
    probe.close()
    const refused = await Vpcd.connect(card(), { port }).catch((e: unknown) => e)
    assert.instanceOf(refused, Vpcd.VpcdError)
    assert.match((refused as Error).message, /cannot reach vpcd at 127\.0\.0\.1:\d+/)
    setTimeout(() => net.createServer().listen(port, "127.0.0.1").unref(), 60)
    const link = await Vpcd.connect(card(), { port }, { retryFor: 3000 })
    await link.remove()
  })
})

describe("Vpcd.listen (reversed mode: vpcd connects)", () => {
  it("serves the card to the connecting vpcd, on loopback only", async () => {
    const refused = await Vpcd.listen(card(), { host: "0.0.0.0", port: 0 }).catch((e: unknown) => e)
    assert.strictEqual((refused as Vpcd.VpcdError).reason, "NotLoopback")

    const listener = await Vpcd.listen(card(), { port: 0 })
    assert.strictEqual(listener.host, "127.0.0.1")
    const socket = net.connect(listener.port, "127.0.0.1")
    const peer = vpcdPeer(socket)
    peer.send(Uint8Array.of(0x04))
    assert.strictEqual(await peer.next(), "3B80800101")
    peer.send(Uint8Array.of(0x00, 0x20, 0x00, 0x80))
    assert.strictEqual(await peer.next(), "6D00")
    assert.isDefined(listener.current())
    await listener.close()
    assert.isUndefined(listener.current())
  })

  it("an error the listening socket reports later (accept EMFILE) is kept, never thrown: the listener goes on", async () => {
    const servers: Array<net.Server> = []
    const listen = net.Server.prototype.listen
    net.Server.prototype.listen = function (this: net.Server, ...args: Array<unknown>) {
      servers.push(this)
      return (listen as (...a: Array<unknown>) => net.Server).apply(this, args)
    } as typeof listen
    let listener: Vpcd.Listener
    try {
      listener = await Vpcd.listen(card(), { port: 0 })
    } finally {
      net.Server.prototype.listen = listen
    }
    assert.strictEqual(servers.length, 1)
    assert.isUndefined(listener.lastError())
    // With no 'error' listener, emit would throw here (in a real server: an uncaught exception ending the process).
    servers[0]!.emit("error", Object.assign(new Error("accept EMFILE"), { code: "EMFILE" }))
    assert.match(listener.lastError()?.message ?? "", /the listener on 127\.0\.0\.1:0: .*EMFILE/)
    const peer = vpcdPeer(net.connect(listener.port, "127.0.0.1"))
    peer.send(Uint8Array.of(0x04))
    assert.strictEqual(await peer.next(), "3B80800101")
    await listener.close()
  })

  it("with no card set, a connection is closed at once", async () => {
    const listener = await Vpcd.listen(undefined, { port: 0 })
    const socket = net.connect(listener.port, "127.0.0.1")
    await new Promise<void>((resolve) => socket.once("close", () => resolve()))
    await listener.close()
  })
})
