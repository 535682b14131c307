/**
 * `jpcard demo`: the main job on the built-in simulated cards. Every card goes through the whole pipeline (detect,
 * authenticate, read, parse) over an in-memory transport; each decoded card is printed as JSON and its images are
 * written to files. No reader needed.
 */
import { MyNumber, ResidenceCard } from "@jpcard/core"
import { MyNumberCard, ResidenceGen1, ResidenceGen2, SimTransport, type SimulatedCard } from "@jpcard/sim"
import { Console, Effect, Path } from "effect"
import { Command, Flag } from "effect/cli"
import { basicInfoData, cardFaceData, render, summary } from "../Render.js"

interface DemoCard {
  readonly name: string
  readonly description: string
  readonly card: () => SimulatedCard.SimulatedCard & { readonly cardNumber: string }
}

/** The simulated cards the demo reads. All holders and keys are fictitious test material. */
export const demoCards: ReadonlyArray<DemoCard> = [
  {
    name: "residence-card-gen1",
    description: "first-generation residence card (在留カード, type 1)",
    card: () => ResidenceGen1.make({ seed: "demo-1" })
  },
  {
    name: "special-permanent-resident-gen1",
    description: "first-generation special permanent resident certificate (特別永住者証明書, type 2)",
    card: () => ResidenceGen1.make({ seed: "demo-2", cardType: "2", cardNumber: "XY98765432ZW" })
  },
  {
    name: "residence-card-gen1-under16",
    description: "first-generation residence card issued under 16 (no face image, no signature)",
    card: () => ResidenceGen1.make({ seed: "demo-3", under16: true, comprehensivePermission: null })
  },
  {
    name: "residence-card-gen2",
    description: "second-generation residence card (第２世代在留カード, type 05)",
    card: () => ResidenceGen2.make({ seed: "demo-4", comprehensivePermission: "1" })
  },
  {
    name: "special-permanent-resident-gen2",
    description: "second-generation special permanent resident certificate (type 06)",
    card: () => ResidenceGen2.make({ seed: "demo-5", cardType: "06", cardNumber: "XY98765432ZW" })
  }
]

export const demo = Command.make(
  "demo",
  {
    out: Flag.String("out").pipe(
      Flag.withDescription(
        "folder for the images (native format and PNG); the decoded cards go to standard output as JSON"
      ),
      Flag.withDefault("out")
    )
  },
  Effect.fn("cli.demo")(function* ({ out }) {
    const path = yield* Path.Path
    const results: Array<unknown> = []
    for (const entry of demoCards) {
      const card = entry.card()
      const sim = SimTransport.make(card)
      yield* Console.error(`reading the simulated ${entry.description}`)
      const decoded = yield* ResidenceCard.read(card.cardNumber, {
        onFile: (file, done, total) => console.error(`  ${done}/${total} ${file}`)
      }).pipe(Effect.provide(sim.layer))
      const stats = sim.stats()
      yield* Console.error(
        `  ${summary(decoded)}; ${stats.apdus} APDUs, ${stats.bytesSent + stats.bytesReceived} bytes exchanged`
      )
      const json = yield* render(decoded, {
        outDir: path.join(out, entry.name),
        warn: (message) => console.error(`  warning: ${message}`)
      })
      results.push({ name: entry.name, card: json })
    }
    results.push({ name: "mynumber-card", card: yield* readMyNumberDemo(path.join(out, "mynumber-card")) })
    yield* Console.log(JSON.stringify(results, null, 2))
    yield* Console.error(`images written to ${out}/`)
  })
).pipe(Command.withDescription("Read the built-in simulated cards end to end (no reader needed)"))

const isoDate = (yyyymmdd: string) => `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6)}`

/**
 * The simulated My Number card (a fictitious Japanese national): basic four information and my number with the
 * 4-digit PIN (the PIN guard reads the tries first), the card face with 照合番号B, and the JPKI certificates.
 */
const readMyNumberDemo = (outDir: string) =>
  Effect.gen(function* () {
    const card = MyNumberCard.make({ seed: "demo-6" })
    const sim = SimTransport.make(card)
    yield* Console.error("reading the simulated My Number card (マイナンバーカード)")
    const data = yield* Effect.gen(function* () {
      const pin = card.pins.kenhojo
      const basic = yield* MyNumber.Kenhojo.readBasicInfo({ pin })
      const number = yield* MyNumber.Kenhojo.readMyNumber({ pin })
      const verificationNumberB = yield* MyNumber.VerificationNumberB.build({
        birthDate: isoDate(card.holder.birthDate),
        calendar: card.holder.birthDateCalendar,
        expiryYear: Number(card.holder.expiry.slice(0, 4)),
        securityCode: card.holder.securityCode
      })
      const face = yield* MyNumber.Kenkaku.readCardFace({ verificationNumberB })
      const certificates = yield* MyNumber.Jpki.readCertificates({})
      const pinStatus = yield* MyNumber.MyNumberCard.readPinStatus()
      return {
        basicInfo: basicInfoData(basic),
        // A fictitious number of the simulated card; the reader keeps real ones redacted until revealed on purpose.
        myNumber: number.myNumber.reveal(),
        // The simulated card's security code is fictitious: the demo shows its image too.
        cardFace: { ...cardFaceData(face), securityCodeImage: { format: "png", data: face.securityCodeImage } },
        jpkiCertificates: certificates,
        pinStatus
      }
    }).pipe(Effect.provide(sim.layer))
    const stats = sim.stats()
    yield* Console.error(`  ${stats.apdus} APDUs, ${stats.bytesSent + stats.bytesReceived} bytes exchanged`)
    return yield* render(data, { outDir, warn: (message) => console.error(`  warning: ${message}`) })
  })
