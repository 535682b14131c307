// The My Number card readers as scenarios over one simulated card: kenhojo, kenkaku, JPKI, the common AP and the
// PIN status. No error may show a PIN, the signing password, the My Number or the holder's data.
//
// These reads have no secure messaging: records and certificates come in plain and are protected by signatures that
// @jpcard/verify checks. An altered byte inside a record may therefore come back; a record cut short may not.
import { MyNumberCard as MyNumberSim } from "@jpcard/sim"
import { Effect, Result } from "effect"
import { assert } from "vitest"
import * as CardPresence from "../../../src/mynumber/CardPresence.js"
import * as Common from "../../../src/mynumber/common/Common.js"
import * as Jpki from "../../../src/mynumber/jpki/Jpki.js"
import * as Kenhojo from "../../../src/mynumber/kenhojo/Kenhojo.js"
import * as Kenkaku from "../../../src/mynumber/kenkaku/Kenkaku.js"
import * as MyNumberCard from "../../../src/mynumber/MyNumberCard.js"
import { BirthDateKey, VerificationNumberB } from "../../../src/mynumber/Pin.js"
import * as Tlv from "../../../src/tlv/Tlv.js"
import type { CardTransport } from "../../../src/transport/CardTransport.js"
import { isTriesQuery } from "../harness/Oracles.js"
import type { Scenario } from "../harness/Scenario.js"

type Card = MyNumberSim.MyNumberCard

/** Fictitious PINs, unlike the sim's defaults (1234 would turn up in offsets), and a twin set for the differential. */
const pins = { jpkiAuth: "8052", jpkiSign: "QWERTY42", kenhojo: "7391", common: "6604", juki: "2231" }
const twinPins = { jpkiAuth: "5917", jpkiSign: "ZXCVBN73", kenhojo: "4826", common: "3158", juki: "9470" }

/**
 * One card for every run: these reads draw no card randomness and send only right PINs, so a power cycle (each run's
 * `SimTransport.make`) leaves the card as new, and the records it signs once are reused.
 */
const once = (make: () => Card) => {
  let card: Card | undefined
  return () => {
    card ??= make()
    return card
  }
}
const theCard = once(() => MyNumberSim.make({ seed: 1, pins }))
const theTwin = once(() => MyNumberSim.make({ seed: 1, pins: twinPins }))

const myNumberScenario = <A>(
  name: string,
  program: (card: Card) => Effect.Effect<A, unknown, CardTransport>,
  assertComplete: (value: A) => void,
  options: Pick<Scenario<A, Card>, "statusIsAnswer"> = {}
): Scenario<A, Card> => ({
  name,
  stepPrefix: "mynumber.",
  makeCard: theCard,
  makeTwin: theTwin,
  program,
  ...options,
  secrets: (card) => [
    card.holder.myNumber,
    card.verificationCodeB,
    card.birthDateKey,
    card.pins.jpkiSign,
    card.holder.name,
    card.holder.address,
    card.holder.birthDate,
    card.holder.serialNumber
  ],
  shortSecrets: (card) => [card.pins.kenhojo, card.pins.jpkiAuth, card.pins.common, card.pins.juki],
  assertComplete
})

const isSelectByAid = (command: Uint8Array) => command[1] === 0xa4 && command[2] === 0x04

const defined = (value: object, keys: ReadonlyArray<string>) => {
  for (const key of keys) assert.isDefined((value as Record<string, unknown>)[key], key)
}

/** A DER object that fills the bytes exactly: a certificate not cut short and without trailing bytes. */
export const assertWholeDer = (der: Uint8Array) => {
  const decoded = Tlv.decodeAt(der, 0)
  assert.isTrue(Result.isSuccess(decoded), "certificate is DER")
  if (Result.isSuccess(decoded)) {
    assert.strictEqual(decoded.success.tag, 0x30)
    assert.strictEqual(decoded.success.end, der.length)
  }
}

export const kenhojoWithPin = myNumberScenario(
  "kenhojo, everything, with the PIN",
  (card) => Kenhojo.read({ pin: card.pins.kenhojo }),
  (data) => defined(data, Kenhojo.items)
)

export const kenkakuWithNumberA = myNumberScenario(
  "kenkaku, card face and My Number image, with 照合番号A",
  (card) => Kenkaku.read({ verificationNumberA: card.verificationCodeA }),
  (data) => defined(data, ["cardFace", "myNumberImage", "certificate"])
)

export const kenkakuWithNumberB = myNumberScenario(
  "kenkaku, card face, with 照合番号B; kenhojo basic four with 照合番号B",
  (card) =>
    Effect.gen(function* () {
      const numberB = yield* VerificationNumberB.parse(card.verificationCodeB, {
        calendar: card.holder.birthDateCalendar
      })
      const face = yield* Kenkaku.read({ verificationNumberB: numberB })
      const basic = yield* Kenhojo.read({ verificationNumberB: numberB })
      return { face, basic }
    }),
  ({ face, basic }) => {
    defined(face, ["cardFace", "certificate"])
    defined(basic, ["basicInfo", "integrityRecord", "certificate"])
  }
)

export const kenkakuWithBirthDateKey = myNumberScenario(
  "kenkaku, age record, with the birth date key",
  (card) =>
    Effect.flatMap(BirthDateKey.parse(card.birthDateKey, { calendar: card.holder.birthDateCalendar }), (key) =>
      Kenkaku.read({ birthDateKey: key })
    ),
  (data) => defined(data, ["ageRecord", "certificate"])
)

export const jpkiCertificates = myNumberScenario(
  "JPKI, all four certificates, with the signing password",
  (card) => Jpki.readCertificates({ signingPassword: card.pins.jpkiSign }),
  (certificates) => {
    defined(certificates, ["authentication", "authenticationCa", "signingCa", "signing"])
    for (const der of Object.values(certificates)) assertWholeDer(der)
  }
)

export const jpkiSign = myNumberScenario(
  "JPKI, a signature with the user-authentication PIN",
  (card) => Jpki.sign({ key: "authentication", pin: card.pins.jpkiAuth }, new Uint8Array(32).fill(7)),
  (signature) => assert.isAbove(signature.length, 0)
)

export const jpkiFreeFiles = myNumberScenario(
  "JPKI, token information and certificate availability",
  () => Effect.all([Jpki.readTokenInfo(), Jpki.readCertificateAvailability()]),
  ([token, availability]) => {
    assert.isString(token.label)
    assert.strictEqual(availability.raw.length, 3)
  }
)

export const commonCardInfo = myNumberScenario(
  "common AP, card information",
  () => Common.readCardInfo(),
  (info) => assert.match(info.serialNumber, /^[0-9]{15}$/)
)

export const pinStatus = myNumberScenario(
  "every PIN's tries left",
  () => MyNumberCard.readPinStatus(),
  (statuses) => assert.strictEqual(statuses.length, MyNumberCard.allCredentials.length),
  // The status words of the tries query (63Cx, 6983/6984, 9000, 6300) and of SELECT AP (6A82: absent) are what this
  // read reports.
  { statusIsAnswer: (command) => isTriesQuery(command) || isSelectByAid(command) }
)

/**
 * The presence proof signs the card's GET CHALLENGE answer, so each run needs a fresh card: a shared one would hand
 * out a new challenge every run and no run would replay.
 */
export const presence: Scenario<CardPresence.PresenceProof, Card> = {
  ...myNumberScenario(
    "presence proof with the kenkaku card key",
    (): Effect.Effect<CardPresence.PresenceProof, unknown, CardTransport> => CardPresence.provePresence(),
    (proof) => {
      assert.strictEqual(proof.message.length, 32)
      assert.isAbove(proof.signature.length, 0)
    }
  ),
  makeCard: () => MyNumberSim.make({ seed: 1, pins }),
  makeTwin: () => MyNumberSim.make({ seed: 1, pins: twinPins })
}
