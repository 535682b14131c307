/**
 * `jpcard sim residence|mynumber`: serve a simulated card on the vsmartcard virtual reader (vpcd), so that anyone can
 * try the other commands, or any PC/SC program, without a card. The card connects to vpcd as a client (Debian's
 * `vsmartcard-vpcd` listens on 127.0.0.1:35963 for "Virtual PCD 00 00"), stays in the reader until Ctrl-C, then
 * leaves it cleanly. Everything about the card (holder, numbers, PINs, keys, CAs) is fictitious test material, which
 * is why its card number and PINs are printed.
 */
import { MyNumberCard, ResidenceGen1, ResidenceGen2, type SimulatedCard } from "@jpcard/sim"
import * as Vpcd from "@jpcard/transport-pcsc/Vpcd"
import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { InvalidInputError, VirtualReaderError } from "../Errors.js"
import { toggle } from "../Flags.js"
import { progress } from "../Output.js"

const vpcdFlags = {
  host: Flag.String("host").pipe(
    Flag.withDescription("where vpcd listens (loopback addresses only)"),
    Flag.withDefault("127.0.0.1")
  ),
  port: Flag.Int("port").pipe(
    Flag.withDescription(
      `vpcd's port: ${Vpcd.DEFAULT_PORT} is slot 0 ("Virtual PCD 00 00") in Debian's /etc/reader.conf.d/vpcd, ${Vpcd.DEFAULT_PORT + 1} slot 1`
    ),
    Flag.withDefault(Vpcd.DEFAULT_PORT)
  ),
  seed: Flag.String("seed").pipe(
    Flag.withDescription("make the card's random answers deterministic (for reproducible tests)"),
    Flag.optional
  ),
  json: toggle("json", "print the card's details as one JSON line on stdout (for scripts), instead of text")
}

const makeCard = <A>(make: () => A) =>
  Effect.try({
    try: make,
    catch: (cause) => new InvalidInputError({ detail: cause instanceof Error ? cause.message : String(cause) })
  })

/** Inserts the card into vpcd for as long as the command runs; Ctrl-C (or vpcd going away) ends it. */
const serve = (
  card: SimulatedCard.SimulatedCard,
  flags: { readonly host: string; readonly port: number },
  details: { readonly json: boolean; readonly text: string; readonly data: object; readonly tryIt: string }
) =>
  Effect.scoped(
    Effect.gen(function* () {
      const where = `${flags.host}:${flags.port}`
      const link = yield* Vpcd.connectScoped(card, { host: flags.host, port: flags.port }).pipe(
        Effect.mapError(
          (e) =>
            new VirtualReaderError({
              detail:
                e.reason === "NotLoopback"
                  ? e.message
                  : `${e.message}. Is pcscd running with the vsmartcard virtual reader? Debian/Ubuntu: \`sudo apt-get install pcscd vsmartcard-vpcd\` (its /etc/reader.conf.d/vpcd listens on 127.0.0.1:${Vpcd.DEFAULT_PORT}), then \`sudo systemctl restart pcscd\``
            })
        )
      )
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => progress("the simulated card was removed from the virtual reader; disconnected from vpcd"))
      )
      yield* Console.log(details.json ? JSON.stringify({ ...details.data, vpcd: where }) : details.text)
      progress(
        `the card is in the virtual reader at ${where} (PC/SC name "Virtual PCD 00 0${flags.port - Vpcd.DEFAULT_PORT === 1 ? 1 : 0}" in Debian's set-up)`
      )
      progress(details.tryIt)
      progress("Ctrl-C removes the card and quits")
      yield* Effect.promise(() => link.closed)
      return yield* new VirtualReaderError({
        detail: `vpcd closed the connection at ${where} (pcscd stopped or restarted): the simulated card is out`
      })
    })
  )

const residence = Command.make(
  "residence",
  {
    generation: Flag.Literals("generation", ["1", "2"]).pipe(
      Flag.withDescription("1 (default: 3DES, TIFF front image, RSA signature) or 2 (AES, text fields, ECDSA P-384)"),
      Flag.withDefault("1" as const)
    ),
    type: Flag.Literals("type", ["residence-card", "special-permanent-resident"]).pipe(
      Flag.withDescription(
        "residence-card (在留カード: card type 1, or 05 in generation 2; default) or special-permanent-resident (特別永住者証明書: 2, or 06)"
      ),
      Flag.withDefault("residence-card" as const)
    ),
    variant: Flag.Literals("variant", ["standard", "under-16", "under-1"]).pipe(
      Flag.withDescription(
        "standard (default); under-16 (generation 1: issued under 16, no face image, no signature); under-1 (generation 2: no face image)"
      ),
      Flag.withDefault("standard" as const)
    ),
    ...vpcdFlags
  },
  (c) =>
    Effect.gen(function* () {
      if (c.variant === "under-16" && c.generation !== "1")
        return yield* new InvalidInputError({ detail: "--variant under-16 is a generation-1 card (--generation 1)" })
      if (c.variant === "under-1" && c.generation !== "2")
        return yield* new InvalidInputError({ detail: "--variant under-1 is a generation-2 card (--generation 2)" })
      const seed = Option.getOrUndefined(c.seed)
      const special = c.type === "special-permanent-resident"
      const card = yield* makeCard(() =>
        c.generation === "1"
          ? ResidenceGen1.make({
              cardType: special ? "2" : "1",
              ...(c.variant === "under-16" ? { under16: true } : {}),
              ...(seed !== undefined ? { seed } : {})
            })
          : ResidenceGen2.make({
              cardType: special ? "06" : "05",
              ...(c.variant === "under-1" ? { under1: true } : {}),
              ...(seed !== undefined ? { seed } : {})
            })
      )
      const what = special ? "special permanent resident certificate (特別永住者証明書)" : "residence card (在留カード)"
      yield* serve(card, c, {
        json: c.json,
        data: {
          card: "residence",
          generation: Number(c.generation),
          cardType: card.cardType,
          variant: c.variant,
          cardNumber: card.cardNumber
        },
        text: [
          `simulated ${what}, generation ${c.generation}, card type ${card.cardType}${c.variant === "standard" ? "" : `, ${c.variant}`} (fictitious test card)`,
          `  card number: ${card.cardNumber}`
        ].join("\n"),
        tryIt: `try, in another terminal: jpcard read residence --reader "Virtual PCD" --trust-test-ca (type the card number at the prompt, or set JPCARD_CARD_NUMBER)`
      })
    })
).pipe(
  Command.withDescription(
    "Serve a simulated residence card on the vsmartcard virtual reader (vpcd) until Ctrl-C, and print its (fictitious) card number, so `jpcard read residence` can be tried without a card"
  )
)

const triesLeftKeys: ReadonlyArray<MyNumberCard.ConfigurableKeyName> = [
  "jpkiAuthPin",
  "jpkiSignPassword",
  "kenhojoPin",
  "kenhojoA",
  "kenhojoB",
  "kenkakuBirthDate",
  "kenkakuA",
  "kenkakuB",
  "commonPin",
  "jukiPin"
]

const parseTriesLeft = (value: Option.Option<Record<string, string>>) =>
  Effect.suspend(() => {
    const out: Partial<Record<MyNumberCard.ConfigurableKeyName, number>> = {}
    if (Option.isNone(value)) return Effect.succeed(out)
    for (const [key, n] of Object.entries(value.value)) {
      if (!(triesLeftKeys as ReadonlyArray<string>).includes(key) || !/^\d+$/.test(n))
        return Effect.fail(
          new InvalidInputError({ detail: `--tries-left takes KEY=N with KEY one of ${triesLeftKeys.join(", ")}` })
        )
      out[key as MyNumberCard.ConfigurableKeyName] = Number(n)
    }
    return Effect.succeed(out)
  })

const mynumber = Command.make(
  "mynumber",
  {
    preset: Flag.Literals("preset", ["japanese-national", "foreign-resident"]).pipe(
      Flag.withDescription(
        "the holder: japanese-national (default, birth date printed in the Japanese era) or foreign-resident (Western calendar)"
      ),
      Flag.withDefault("japanese-national" as const)
    ),
    token: Flag.Literals("token", ["card", "android", "iphone"]).pipe(
      Flag.withDescription("the plastic card (default), or a smartphone JPKI (JPKI application only)"),
      Flag.withDefault("card" as const)
    ),
    triesLeft: Flag.KeyValuePair("tries-left").pipe(
      Flag.withDescription(
        `start a counter lower, e.g. --tries-left kenhojoPin=1 to see the last-try refusal (keys: ${triesLeftKeys.join(", ")})`
      ),
      Flag.optional
    ),
    ...vpcdFlags
  },
  (c) =>
    Effect.gen(function* () {
      const triesLeft = yield* parseTriesLeft(c.triesLeft)
      const seed = Option.getOrUndefined(c.seed)
      const card = yield* makeCard(() =>
        MyNumberCard.make({
          preset: c.preset === "japanese-national" ? "japaneseNational" : "foreignResident",
          token: c.token,
          triesLeft,
          ...(seed !== undefined ? { seed } : {})
        })
      )
      const h = card.holder
      const birthDate = `${h.birthDate.slice(0, 4)}-${h.birthDate.slice(4, 6)}-${h.birthDate.slice(6)}`
      const lowered = Object.entries(triesLeft).map(([k, n]) => `${k} ${n}`)
      yield* serve(card, c, {
        json: c.json,
        data: {
          card: "mynumber",
          preset: c.preset,
          token: c.token,
          pins: card.pins,
          myNumber: h.myNumber,
          verificationNumberB: {
            birthDate,
            calendar: h.birthDateCalendar,
            expiryYear: h.expiry.slice(0, 4),
            securityCode: h.securityCode,
            digits: card.verificationCodeB
          },
          triesLeft
        },
        text: [
          `simulated My Number card (${c.preset}${c.token === "card" ? "" : `, ${c.token} JPKI`}; fictitious test card)`,
          `  4-digit PINs: card text ${card.pins.kenhojo}, user authentication ${card.pins.jpkiAuth}, common ${card.pins.common}, 住基 ${card.pins.juki}`,
          `  signing password: ${card.pins.jpkiSign}`,
          `  My Number: ${h.myNumber}`,
          `  照合番号B: ${card.verificationCodeB} (birth date ${birthDate}, --calendar ${h.birthDateCalendar}; expiry year ${h.expiry.slice(0, 4)}; security code ${h.securityCode})`,
          ...(lowered.length > 0 ? [`  tries left set to: ${lowered.join(", ")}`] : [])
        ].join("\n"),
        tryIt: `try, in another terminal: jpcard read mynumber --reader "Virtual PCD" --trust-test-ca, or jpcard jpki pin-status --reader "Virtual PCD" (type the PIN at the prompt, or set JPCARD_PIN)`
      })
    })
).pipe(
  Command.withDescription(
    "Serve a simulated My Number card on the vsmartcard virtual reader (vpcd) until Ctrl-C, and print its (fictitious) PINs, My Number and 照合番号B, so `jpcard read mynumber` and `jpcard jpki …` can be tried without a card"
  )
)

export const sim = Command.make("sim").pipe(
  Command.withDescription(
    "Serve a simulated card on the virtual reader (vsmartcard vpcd) so the other commands can be tried without a card"
  ),
  Command.withSubcommands([residence, mynumber])
)
