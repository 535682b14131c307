// The vpcd wire protocol, card side: framing, control bytes, dispatch to a card, removal. Byte strings follow
// frankmorgner/vsmartcard vpcd.h / vpcd.c (uint16 big-endian length, VPCD_CTRL_OFF/ON/RESET/ATR = 00/01/02/04).
import { assert, describe, it } from "@effect/vitest"
import { fromHex, toHex } from "@jpcard/core/Bytes"
import * as ResidenceGen1 from "../../src/residence/Gen1Card.js"
import { CardPoweredOffError, type SimulatedCard, sw } from "../../src/SimulatedCard.js"
import * as Vpcd from "../../src/vpcd/Vpcd.js"

const hex = (s: string) => fromHex(s)

/** A tiny card: SELECT of one AID answers 9000, other SELECTs 6A82, other instructions 6D00. */
const tinyCard = () => {
  const log: Array<string> = []
  let powered = false
  const card: SimulatedCard = {
    atr: hex("3B 8A 80 01 45 08 7A 34 00 00 00 00 00 00 12"),
    powerOn: () => {
      powered = true
      log.push("on")
    },
    powerOff: () => {
      powered = false
      log.push("off")
    },
    transmit: (command) => {
      if (!powered) throw new CardPoweredOffError()
      if (command[1] === 0xa4)
        return toHex(command.subarray(5, 15)) === "D392F000260100000001" ? sw(0x9000) : sw(0x6a82)
      return sw(0x6d00)
    }
  }
  return { card, log }
}

/** A socket that records what the card wrote and whether it closed. */
const recorder = () => {
  const written: Array<Uint8Array> = []
  let closed = 0
  const socket: Vpcd.VpcdSocket = {
    write: (bytes) => void written.push(bytes),
    close: () => void closed++
  }
  return {
    socket,
    frames: () => {
      const decoder = new Vpcd.FrameDecoder()
      return written.flatMap((chunk) => decoder.push(chunk)).map(toHex)
    },
    closed: () => closed
  }
}

const SELECT_JPKI = "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01"

describe("Vpcd.frame and FrameDecoder", () => {
  it("frames with a 2-byte big-endian length", () => {
    assert.strictEqual(toHex(Vpcd.frame(hex("04"))), "000104")
    assert.strictEqual(toHex(Vpcd.frame(new Uint8Array(0))), "0000")
    assert.strictEqual(toHex(Vpcd.frame(new Uint8Array(0x1234)).subarray(0, 2)), "1234")
    assert.strictEqual(Vpcd.frame(new Uint8Array(0xffff)).length, 0x10001)
  })

  it("refuses payloads over 65535 bytes", () => {
    assert.throws(() => Vpcd.frame(new Uint8Array(0x10000)), /65535/)
  })

  it("reassembles frames split anywhere and several in one chunk", () => {
    const stream = hex("0001 04 0005 00A4040C00 0002 9000")
    for (let cut = 0; cut <= stream.length; cut++) {
      const decoder = new Vpcd.FrameDecoder()
      const frames = [...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))].map(toHex)
      assert.deepStrictEqual(frames, ["04", "00A4040C00", "9000"], `cut at ${cut}`)
      assert.strictEqual(decoder.pending, 0)
    }
  })

  it("byte by byte, and keeps an incomplete tail pending", () => {
    const decoder = new Vpcd.FrameDecoder()
    const out: Array<string> = []
    for (const b of hex("0003 AABBCC 0004 11")) out.push(...decoder.push(Uint8Array.of(b)).map(toHex))
    assert.deepStrictEqual(out, ["AABBCC"])
    assert.strictEqual(decoder.pending, 3)
  })

  it("a 65535-byte frame across many chunks", () => {
    const payload = new Uint8Array(0xffff).map((_, i) => i & 0xff)
    const framed = Vpcd.frame(payload)
    const decoder = new Vpcd.FrameDecoder()
    const frames: Array<Uint8Array> = []
    for (let i = 0; i < framed.length; i += 1000) frames.push(...decoder.push(framed.subarray(i, i + 1000)))
    assert.strictEqual(frames.length, 1)
    assert.deepStrictEqual(frames[0], payload)
  })

  it("a 65535-byte frame a byte at a time: each byte copied once, not the whole buffer on every byte", () => {
    const payload = new Uint8Array(0xffff).map((_, i) => (i * 7) & 0xff)
    const framed = Vpcd.frame(payload)
    const decoder = new Vpcd.FrameDecoder()
    const frames: Array<Uint8Array> = []
    const start = performance.now()
    for (let i = 0; i < framed.length; i++) frames.push(...decoder.push(framed.subarray(i, i + 1)))
    const ms = performance.now() - start
    assert.strictEqual(frames.length, 1)
    assert.deepStrictEqual(frames[0], payload)
    assert.strictEqual(decoder.pending, 0)
    // Joining on every push took 1.2 s here (2 GB copied); the chunk list, 0.16 s. A generous bound for slow machines.
    assert.isBelow(ms, 800)
  })
})

describe("Vpcd.attach", () => {
  it("answers the ATR request (04) with the card's ATR, and no other control byte", () => {
    const { card } = tinyCard()
    const rec = recorder()
    const session = Vpcd.attach(card, rec.socket)
    session.onData(hex("0001 04"))
    session.onData(hex("0001 01 0001 02 0001 00"))
    session.onData(hex("0001 04"))
    assert.deepStrictEqual(rec.frames(), ["3B8A800145087A3400000000000012", "3B8A800145087A3400000000000012"])
  })

  it("maps power on, reset and power off onto the card", () => {
    const { card, log } = tinyCard()
    const session = Vpcd.attach(card, recorder().socket)
    session.onData(hex("0001 01 0001 02 0001 00"))
    assert.deepStrictEqual(log, ["on", "off", "on", "off"])
  })

  it("passes command APDUs (short and extended) to the card and frames the response", () => {
    const { card } = tinyCard()
    const rec = recorder()
    const session = Vpcd.attach(card, rec.socket)
    session.onData(Vpcd.frame(hex("01")))
    session.onData(Vpcd.frame(hex(SELECT_JPKI)))
    session.onData(Vpcd.frame(hex("00 A4 04 0C 02 A0 00")))
    session.onData(Vpcd.frame(hex("00 B0 00 00 00 00 00")))
    assert.deepStrictEqual(rec.frames(), ["9000", "6A82", "6D00"])
    assert.strictEqual(session.commands(), 3)
  })

  it("a response of a real card model: gen-1 residence card MF/EF01 over the wire", () => {
    const card = ResidenceGen1.make({ seed: 1 })
    const rec = recorder()
    const session = Vpcd.attach(card, rec.socket)
    session.onData(hex("0001 01"))
    session.onData(Vpcd.frame(hex("00 B0 8B 00 00 00 00"))) // READ BINARY MF/EF01 by SFI, extended Le
    const [response] = rec.frames()
    assert.isTrue(response!.endsWith("9000"))
    assert.isTrue(response!.startsWith("C0"))
  })

  it("a card that throws answers 6F00 and reports the error", () => {
    const { card } = tinyCard()
    const rec = recorder()
    const events: Array<Vpcd.VpcdEvent> = []
    const session = Vpcd.attach(card, rec.socket, { onEvent: (e) => void events.push(e) })
    session.onData(Vpcd.frame(hex(SELECT_JPKI))) // not powered on: the model throws CardPoweredOffError
    assert.deepStrictEqual(rec.frames(), ["6F00"])
    assert.isTrue(events.some((e) => e._tag === "Error" && e.message.includes("powered off")))
  })

  it("ignores unknown control bytes and empty frames", () => {
    const { card } = tinyCard()
    const rec = recorder()
    const events: Array<Vpcd.VpcdEvent> = []
    const session = Vpcd.attach(card, rec.socket, { onEvent: (e) => void events.push(e) })
    session.onData(hex("0001 7F 0000 0001 04"))
    assert.deepStrictEqual(rec.frames(), ["3B8A800145087A3400000000000012"])
    assert.isTrue(events.some((e) => e._tag === "Control" && e.control === "Unknown" && e.code === 0x7f))
  })

  it("beforeCommand can pull the card out mid-exchange: no answer, socket closed, card off, later data ignored", () => {
    const { card, log } = tinyCard()
    const rec = recorder()
    const events: Array<Vpcd.VpcdEvent> = []
    const session = Vpcd.attach(card, rec.socket, {
      beforeCommand: (_, index) => (index === 2 ? "remove" : undefined),
      onEvent: (e) => void events.push(e)
    })
    session.onData(hex("0001 01"))
    session.onData(Vpcd.frame(hex(SELECT_JPKI)))
    // the second and third commands arrive in one chunk: the third is never answered
    session.onData(new Uint8Array([...Vpcd.frame(hex(SELECT_JPKI)), ...Vpcd.frame(hex(SELECT_JPKI))]))
    session.onData(hex("0001 04"))
    assert.deepStrictEqual(rec.frames(), ["9000", "9000"])
    assert.strictEqual(rec.closed(), 1)
    assert.isTrue(session.closed())
    assert.strictEqual(session.commands(), 2)
    assert.strictEqual(log.at(-1), "off")
    assert.deepStrictEqual(events.at(-1), { _tag: "Removed", by: "card" })
  })

  it("remove() closes once; onClose from the reader side does not close the socket again", () => {
    const { card } = tinyCard()
    const rec = recorder()
    const session = Vpcd.attach(card, rec.socket)
    session.remove()
    session.remove()
    session.onClose()
    assert.strictEqual(rec.closed(), 1)

    const other = recorder()
    const events: Array<Vpcd.VpcdEvent> = []
    const second = Vpcd.attach(tinyCard().card, other.socket, { onEvent: (e) => void events.push(e) })
    second.onClose()
    assert.strictEqual(other.closed(), 0)
    assert.isTrue(second.closed())
    assert.deepStrictEqual(events, [{ _tag: "Removed", by: "reader" }])
  })

  it("a response too long for one frame becomes 6F00", () => {
    const card: SimulatedCard = { ...tinyCard().card, transmit: () => new Uint8Array(0x10000 + 2) }
    const rec = recorder()
    const session = Vpcd.attach(card, rec.socket)
    session.onData(Vpcd.frame(hex("00 B0 00 00 00 00 00")))
    assert.deepStrictEqual(rec.frames(), ["6F00"])
  })
})
