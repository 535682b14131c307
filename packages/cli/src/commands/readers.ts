/**
 * `jpcard readers`: the PC/SC readers and what is in them. `jpcard watch`: reader and card events until Ctrl-C.
 */
import { Readers } from "@jpcard/transport-pcsc"
import { Console, Effect, Stream } from "effect"
import { Command, Flag } from "effect/cli"
import { toggle } from "../Flags.js"
import { hex } from "../Output.js"
import { PcscBinding } from "../Session.js"

const json = toggle("json", "print JSON instead of text")

const describeReader = (r: Readers.ReaderInfo) => {
  if (!r.cardPresent) return `${r.name}: no card`
  const flags = [r.exclusive ? "held exclusively by another program" : r.inUse ? "in use" : "", r.mute ? "mute" : ""]
    .filter((f) => f !== "")
    .join(", ")
  return `${r.name}: card present, ATR ${hex(r.atr ?? new Uint8Array(0))}${flags ? ` (${flags})` : ""}`
}

export const readers = Command.make("readers", { json }, ({ json }) =>
  Effect.gen(function* () {
    const binding = yield* PcscBinding
    const list = yield* Readers.list.pipe(Effect.provide(binding))
    if (json) {
      const out = list.map((r) => ({
        name: r.name,
        cardPresent: r.cardPresent,
        atr: r.atr === undefined ? null : hex(r.atr),
        inUse: r.inUse,
        exclusive: r.exclusive,
        mute: r.mute
      }))
      return yield* Console.log(JSON.stringify(out, null, 2))
    }
    if (list.length === 0)
      return yield* Console.error(
        "no reader found: connect a reader (a contactless one for residence cards), or start a simulated card with `jpcard sim residence`"
      )
    for (const r of list) yield* Console.log(describeReader(r))
  })
).pipe(
  Command.withDescription(
    "List the PC/SC card readers and the card in each (exit code 4 when PC/SC is not installed or not running; an empty list is not an error)"
  )
)

const describeEvent = (event: Readers.ReaderEvent) => {
  switch (event._tag) {
    case "ReaderAdded":
      return `reader added: ${event.reader}`
    case "ReaderRemoved":
      return `reader removed: ${event.reader}`
    case "CardInserted":
      return `card inserted: ${event.reader} (ATR ${hex(event.atr)})`
    case "CardRemoved":
      return `card removed: ${event.reader}`
  }
}

export const watch = Command.make(
  "watch",
  {
    json: toggle("json", "print one JSON object per line instead of text"),
    changesOnly: toggle("changes-only", "do not start with the current readers and cards, only report what changes"),
    count: Flag.Int("count").pipe(
      Flag.withDescription("stop after this many events (e.g. `--changes-only --count 1` waits for the next one)"),
      Flag.optional
    )
  },
  ({ json, changesOnly, count }) =>
    Effect.gen(function* () {
      const binding = yield* PcscBinding
      if (!json) yield* Console.error("watching readers and cards; Ctrl-C to stop")
      const events = Readers.events({ initial: !changesOnly })
      const limited = count._tag === "Some" ? Stream.take(events, count.value) : events
      yield* limited.pipe(
        Stream.runForEach((event) =>
          Console.log(
            json
              ? JSON.stringify({
                  time: new Date().toISOString(),
                  event: event._tag,
                  reader: event.reader,
                  ...(event._tag === "CardInserted" ? { atr: hex(event.atr) } : {})
                })
              : `${new Date().toISOString()} ${describeEvent(event)}`
          )
        ),
        Effect.provide(binding)
      )
    })
).pipe(
  Command.withDescription("Print reader and card events (plugged, unplugged, card placed, card taken) until Ctrl-C")
)
