// The Node side of the vpcd bridge fed what a broken or hostile vpcd may send over loopback (no vpcd, no pcscd):
// garbage, frames cut anywhere, zero-length frames, a length prefix promising more than ever comes, a card answer
// too long for a frame. Every complete frame gets its one answer, in order and framed; nothing throws in the process;
// vpcd closing the connection removes the card. Arguments of the wrong kind are a VpcdError, not a RangeError.
import * as net from "node:net"
import type { SimulatedCard } from "@jpcard/sim/SimulatedCard"
import { FrameDecoder, frame } from "@jpcard/sim/vpcd/Vpcd"
import fc from "fast-check"
import { assert, describe, it } from "vitest"
import * as Vpcd from "../../src/Vpcd.js"

const ATR = Uint8Array.of(0x3b, 0x80, 0x80, 0x01, 0x01)

const simCard = (answer?: (c: Uint8Array) => Uint8Array): SimulatedCard => ({
  atr: ATR,
  powerOn: () => undefined,
  powerOff: () => undefined,
  transmit: answer ?? ((c) => (c[1] === 0xa4 ? Uint8Array.of(0x90, 0x00) : Uint8Array.of(0x6d, 0x00)))
})

/** A fake vpcd on a free loopback port that accepts one connection. */
const fakeVpcd = () =>
  new Promise<{ port: number; connection: Promise<net.Socket>; close: () => void }>((resolve) => {
    let accept: (s: net.Socket) => void = () => undefined
    const connection = new Promise<net.Socket>((r) => (accept = r))
    const server = net.createServer((s) => accept(s))
    server.listen(0, "127.0.0.1", () =>
      resolve({ port: (server.address() as net.AddressInfo).port, connection, close: () => server.close() })
    )
  })

/** What the card side must answer to this byte stream: one frame per complete message of 2+ bytes or `04`. */
const expectedAnswers = (stream: Uint8Array): number =>
  new FrameDecoder().push(stream).filter((m) => m.length >= 2 || (m.length === 1 && m[0] === 0x04)).length

const chunk: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.uint8Array({ minLength: 1, maxLength: 300 }).map(frame),
  fc.constantFrom(
    frame(Uint8Array.of(0x04)),
    frame(Uint8Array.of(0x01)),
    frame(Uint8Array.of(0x02)),
    frame(Uint8Array.of(0x00)),
    frame(Uint8Array.of(0x7f)),
    frame(new Uint8Array(0)),
    frame(Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00)),
    Uint8Array.of(0xff, 0xff, 0x00, 0xa4),
    Uint8Array.of(0x00)
  )
)

describe("Vpcd.connect fed by a hostile vpcd", () => {
  it("answers each complete frame once, in order and framed; closing the connection removes the card", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(chunk, { maxLength: 12 }),
        fc.array(fc.nat(40), { maxLength: 12 }),
        async (chunks, cuts) => {
          const server = await fakeVpcd()
          const link = await Vpcd.connect(simCard(), { port: server.port })
          const vpcd = await server.connection
          const decoder = new FrameDecoder()
          const answers: Array<Uint8Array> = []
          vpcd.on("data", (b: Buffer) => answers.push(...decoder.push(new Uint8Array(b))))
          const stream = Uint8Array.from(chunks.flatMap((c) => Array.from(c)))
          // the same bytes, cut at other places
          let at = 0
          for (const cut of [...cuts, stream.length]) {
            const end = Math.min(stream.length, at + cut)
            if (end > at) vpcd.write(stream.subarray(at, end))
            at = end
          }
          const expected = expectedAnswers(stream)
          const deadline = Date.now() + 2000
          while (answers.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
          assert.strictEqual(answers.length, expected)
          for (const a of answers) assert.isTrue(a.length >= 2, "an ATR or a response with its status word")
          assert.strictEqual(decoder.pending, 0, "every answer is a whole frame")
          vpcd.destroy()
          await link.closed
          assert.isTrue(link.session.closed())
          server.close()
        }
      ),
      { numRuns: 40 }
    )
  }, 60_000)

  it("a card answer too long for a frame is answered 6F00, not cut", async () => {
    const server = await fakeVpcd()
    const link = await Vpcd.connect(
      simCard(() => new Uint8Array(70_000)),
      { port: server.port }
    )
    const vpcd = await server.connection
    const decoder = new FrameDecoder()
    const answer = new Promise<Uint8Array>((resolve) =>
      vpcd.on("data", (b: Buffer) => {
        const [first] = decoder.push(new Uint8Array(b))
        if (first !== undefined) resolve(first)
      })
    )
    vpcd.write(frame(Uint8Array.of(0x00, 0xb0, 0x00, 0x00, 0x00)))
    assert.deepStrictEqual(Array.from(await answer), [0x6f, 0x00])
    await link.remove()
    server.close()
  })
})

describe("Vpcd arguments of the wrong kind", () => {
  it("connect: a port out of range or a path that is not a string is a VpcdError, not a RangeError", async () => {
    for (const target of [{ port: 70_000 }, { port: -1 }, { path: 5 as unknown as string }]) {
      const error = await Vpcd.connect(simCard(), target).catch((e: unknown) => e)
      assert.instanceOf(error, Vpcd.VpcdError, JSON.stringify(target))
      assert.strictEqual((error as Vpcd.VpcdError).reason, "Connect")
    }
  })

  it("listen: a port out of range is a VpcdError", async () => {
    const error = await Vpcd.listen(simCard(), { port: 70_000 }).catch((e: unknown) => e)
    assert.instanceOf(error, Vpcd.VpcdError)
    assert.strictEqual((error as Vpcd.VpcdError).reason, "Listen")
  })

  it("a host that is not a string is not loopback", async () => {
    for (const host of [5, {}, ["127.0.0.1"]]) {
      assert.isFalse(Vpcd.isLoopback(host as unknown as string))
      const error = await Vpcd.connect(simCard(), { host: host as unknown as string, port: 1 }).catch((e: unknown) => e)
      assert.strictEqual((error as Vpcd.VpcdError).reason, "NotLoopback")
    }
    assert.isFalse(Vpcd.isLoopback(null as unknown as string))
  })
})
