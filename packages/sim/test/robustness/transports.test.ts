// Robustness of the two byte-level front doors of the simulator: the vpcd session (whatever bytes arrive on the
// socket, cut anywhere) and SimTransport's short-only link. Both must pass commands through unchanged, answer every
// command exactly once, and never throw.
import { concat, toHex } from "@jpcard/core/Bytes"
import { Effect } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as MyNumberCard from "../../src/mynumber/MyNumberCard.js"
import * as ResidenceGen2 from "../../src/residence/Gen2Card.js"
import * as SimTransport from "../../src/SimTransport.js"
import { CardPoweredOffError, type SimulatedCard } from "../../src/SimulatedCard.js"
import * as Vpcd from "../../src/vpcd/Vpcd.js"
import { body, oneOfBytes, raw, structured } from "./apdu.js"

const headers = {
  cla: oneOfBytes(0x00, 0x08, 0x80),
  ins: oneOfBytes(0xa4, 0x20, 0x84, 0x82, 0xb0, 0xca, 0x2a),
  p1: oneOfBytes(0x00, 0x04, 0x02, 0x8a, 0x8b),
  p2: oneOfBytes(0x00, 0x0c, 0x80)
}
const command = fc.oneof(
  raw,
  structured(headers),
  body.map((b) => concat(Uint8Array.of(0x00, 0xb0, 0x8b, 0x00), b))
)

const cards: ReadonlyArray<readonly [string, () => SimulatedCard & { readonly inspect: () => unknown }]> = [
  ["My Number card", () => MyNumberCard.make({ seed: 7 })],
  ["residence card generation 2", () => ResidenceGen2.make({ seed: 7, signature: new Uint8Array(96) })]
]

type Message = { readonly control: number } | { readonly command: Uint8Array } | { readonly empty: true }

const message: fc.Arbitrary<Message> = fc.oneof(
  { arbitrary: fc.constantFrom(0x00, 0x01, 0x02, 0x04).map((control) => ({ control })), weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: 255 }).map((control) => ({ control })), weight: 1 },
  { arbitrary: command.filter((c) => c.length >= 2).map((c) => ({ command: c })), weight: 6 },
  { arbitrary: fc.constant({ empty: true } as const), weight: 1 }
)

/** What the card side of vpcd must write for each message, computed on a twin card driven directly. */
const expectedFrames = (twin: SimulatedCard, messages: ReadonlyArray<Message>): Array<string> => {
  const out: Array<string> = []
  for (const m of messages) {
    if ("empty" in m) continue
    if ("control" in m) {
      if (m.control === Vpcd.Control.PowerOff) twin.powerOff()
      else if (m.control === Vpcd.Control.PowerOn) twin.powerOn()
      else if (m.control === Vpcd.Control.Reset) {
        twin.powerOff()
        twin.powerOn()
      } else if (m.control === Vpcd.Control.Atr) out.push(toHex(twin.atr))
      continue
    }
    try {
      out.push(toHex(twin.transmit(m.command)))
    } catch (error) {
      // A command to a powered-off card: the session answers 6F00 (the card's throw is reported as an event).
      expect(error).toBeInstanceOf(CardPoweredOffError)
      out.push("6F00")
    }
  }
  return out
}

describe.each(cards)("%s behind the vpcd session", (_, make) => {
  it("any messages, cut anywhere: one answer per command, the card's own, and no throw", () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 25 }), fc.array(fc.nat(), { maxLength: 12 }), (messages, cuts) => {
        const written: Array<Uint8Array> = []
        const events: Array<Vpcd.VpcdEvent> = []
        const session = Vpcd.attach(
          make(),
          { write: (bytes) => void written.push(bytes), close: () => undefined },
          { onEvent: (e) => void events.push(e) }
        )
        const stream = concat(
          ...messages.map((m) =>
            Vpcd.frame("empty" in m ? new Uint8Array(0) : "control" in m ? Uint8Array.of(m.control) : m.command)
          )
        )
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b)
        let from = 0
        for (const to of [...points, stream.length]) {
          expect(() => session.onData(stream.subarray(from, to))).not.toThrow()
          from = to
        }
        const decoder = new Vpcd.FrameDecoder()
        const frames = written.flatMap((chunk) => decoder.push(chunk)).map(toHex)
        expect(decoder.pending).toBe(0)
        expect(frames).toEqual(expectedFrames(make(), messages))
        const commands = messages.filter((m) => "command" in m).length
        expect(session.commands()).toBe(commands)
        // Only a powered-off card may throw, and the session reports it.
        for (const e of events) if (e._tag === "Error") expect(e.message).toMatch(/powered off|unknown vpcd control/)
      }),
      { numRuns: 150 }
    )
  }, 20_000)
})

describe.each(cards)("%s behind a short-only SimTransport", (_, make) => {
  it("extended APDUs get 67 00 without reaching the card; the others get the card's answer", () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 20 }), (commands) => {
        const card = make()
        const twin = make()
        const sim = SimTransport.make(card, { extendedLength: false })
        for (const c of commands) {
          const result = Effect.runSync(Effect.result(sim.transport.transmit(c)))
          if (c.length > 261) {
            // Longer than a short APDU can be: refused by the link ("Io"), the card never sees it.
            expect(result._tag === "Failure" && result.failure.reason).toBe("Io")
            continue
          }
          const extended = c.length >= 7 && c[4] === 0x00
          const expected = extended ? "6700" : toHex(twin.transmit(c))
          if (result._tag === "Success") expect(toHex(result.success)).toBe(expected)
          else {
            // The other failure of a short-only link: an answer of more than 256 data bytes.
            expect(result.failure.reason).toBe("Io")
            expect(expected.length / 2 - 2).toBeGreaterThan(256)
          }
          // Same state as the twin: an extended APDU the link refused did not reach the card.
          expect(card.inspect()).toEqual(twin.inspect())
        }
      }),
      { numRuns: 100 }
    )
  }, 20_000)
})
