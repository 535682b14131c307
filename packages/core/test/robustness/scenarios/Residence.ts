// The residence card read pipeline as scenarios over the simulated cards of both generations and both card types.
//
// The residence card's secure messaging has no MAC (在留カード等仕様書 Ver 1.5 §4.2.5: the card encrypts, nothing
// more), so an altered byte in an encrypted file can decrypt to other data and be returned: the signature in DF3,
// checked by @jpcard/verify, is what protects the files. The MAC that does exist is the card's M_ICC in MUTUAL
// AUTHENTICATE: any change to that answer must fail the read.
import { ResidenceGen1, ResidenceGen2 } from "@jpcard/sim"
import { assert } from "vitest"
import { gen1, gen2AllFiles, gen2Size } from "../../../src/residence/Files.js"
import * as Gen1 from "../../../src/residence/Gen1.js"
import * as Gen2 from "../../../src/residence/Gen2.js"
import * as ResidenceCard from "../../../src/residence/ResidenceCard.js"
import { asksForAnotherExchange, type Change } from "../harness/Faults.js"
import type { Scenario } from "../harness/Scenario.js"

export const CARD_NUMBER = "AB12345678CD"

/** GET CHALLENGE and MUTUAL AUTHENTICATE: the card's answers feed the key agreement. */
const authenticationStep = (change: Change): string | undefined => {
  const ins = change.command[1]
  if (ins !== 0x84 && ins !== 0x82) return undefined
  // 61xx / 6Cxx send the reader back to the card, which answers again genuinely.
  if (asksForAnotherExchange(change.statusAfter)) return undefined
  return ins === 0x82 ? "the card's MUTUAL AUTHENTICATE answer was altered" : "the card's challenge was altered"
}

/** MF/EF01 answered 6A82: detection selects the MF and reads again (a session that had selected a DF). */
const selectsMfOnFileNotFound = (change: Change): boolean =>
  change.statusAfter === 0x6a82 && change.command[1] === 0xb0 && change.command[2] === 0x8b

/**
 * Every file the card type has, each of its exact size: no file dropped, none cut short. The card type is the one
 * the result reports: MF/EF02 is free data without integrity, and an altered type legitimately reads other files.
 */
export const assertWholeResidenceCard = (card: ResidenceCard.ResidenceCard): void => {
  if (card.generation === 1) {
    const planned = Gen1.plannedFiles(card.cardType)
    assert.deepStrictEqual(card.filesRead, planned)
    for (const file of planned) assert.strictEqual(card.raw[file]?.length, gen1[file].size, file)
  } else {
    const planned = Gen2.plannedFiles(card.cardType, { files: gen2AllFiles })
    assert.deepStrictEqual(card.filesRead, planned)
    for (const file of planned) assert.strictEqual(card.raw[file]?.length, gen2Size(file, card.cardType), file)
  }
}

const residenceScenario = <C extends ResidenceGen1.Gen1Card | ResidenceGen2.Gen2Card>(
  name: string,
  makeCard: () => C,
  options: ResidenceCard.ReadOptions = {}
): Scenario<ResidenceCard.ResidenceCard, C> => ({
  name,
  stepPrefix: "residence.",
  makeCard,
  program: (card) => ResidenceCard.read(card.cardNumber, options),
  secrets: (card) => [card.cardNumber],
  assertComplete: assertWholeResidenceCard,
  mustFail: authenticationStep,
  continuesAfter: selectsMfOnFileNotFound
})

/**
 * A fresh card per run (its challenges then replay), with the signature the first card computed: the same content
 * without an RSA or ECDSA signing per run.
 */
const gen1Cards = (options: ResidenceGen1.Options) => {
  let checkCode: Uint8Array | undefined
  return () => {
    const card = ResidenceGen1.make(checkCode === undefined ? options : { ...options, checkCode })
    checkCode ??= card.checkCode
    return card
  }
}
const gen2Cards = (options: ResidenceGen2.Options) => {
  let signature: Uint8Array | undefined
  return () => {
    const card = ResidenceGen2.make(signature === undefined ? options : { ...options, signature })
    signature ??= card.signature
    return card
  }
}

export const gen1Residence = residenceScenario("gen1 在留カード", gen1Cards({ seed: 1, cardNumber: CARD_NUMBER }))
export const gen1SpecialPermanent = residenceScenario(
  "gen1 特別永住者証明書",
  gen1Cards({ seed: 2, cardNumber: CARD_NUMBER, cardType: "2" })
)
/** With the card number file (DF1/EF01), which holds the number in clear under secure messaging. */
export const gen2Residence = residenceScenario("gen2 在留カード", gen2Cards({ seed: 3, cardNumber: CARD_NUMBER }), {
  files: gen2AllFiles
})
export const gen2SpecialPermanent = residenceScenario(
  "gen2 特別永住者証明書",
  gen2Cards({ seed: 4, cardNumber: CARD_NUMBER, cardType: "06" }),
  { files: gen2AllFiles }
)
