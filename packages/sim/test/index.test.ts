import { describe, expect, it } from "vitest"
import * as Sim from "../src/index.js"

describe("@jpcard/sim entry point", () => {
  it("exports the namespaces", () => {
    expect(typeof Sim.ResidenceGen1.make).toBe("function")
    expect(typeof Sim.SimTransport.make).toBe("function")
    expect(typeof Sim.SimTransport.layer).toBe("function")
    expect(typeof Sim.SimulatedCard.CardPoweredOffError).toBe("function")
    expect(typeof Sim.CommandApdu.parse).toBe("function")
    expect(Sim.StatusWord.OK).toBe(0x9000)
  })

  it("a card made through the entry point answers", () => {
    const card: Sim.SimulatedCard.SimulatedCard = Sim.ResidenceGen1.make()
    expect(Sim.SimulatedCard.statusOf(card.transmit(Uint8Array.of(0x00, 0xb0, 0x8a, 0x00, 0x00)))).toBe(0x9000)
  })
})
