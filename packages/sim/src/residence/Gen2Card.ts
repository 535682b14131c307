/**
 * A simulated second-generation residence card (第２世代在留カード, card type `"05"`) or special permanent resident
 * certificate (第２世代特別永住者証明書, `"06"`), after 第２世代在留カード等仕様書（一般公開用）Ver 1.1 (出入国在留管理庁,
 * 令和8年4月) as summarised by third parties (`shared/reference/residence-card.md` §4, §6.2, §10.2, §13).
 *
 * The protocol is the first generation's (SELECT FILE, VERIFY, GET CHALLENGE, MUTUAL AUTHENTICATE, READ BINARY; the
 * same status words and access rules) with AES-128-CBC (IV 0) and AES-CMAC truncated to 8 bytes in place of TDES and
 * the Retail MAC. A host that authenticates with the first generation's crypto gets `63 00`, as a real
 * second-generation card answered (reference §1). The card signs its printed entries and images with ECDSA P-384 /
 * SHA-256 under a test CA.
 *
 * ```ts
 * import { ResidenceGen2, SimTransport } from "@jpcard/sim"
 * const card = ResidenceGen2.make({ cardNumber: "AB12345678CD", cardType: "05", seed: 1 })
 * const transport = SimTransport.layer(card) // Layer<CardTransport>
 * ```
 *
 * @since 0.1.0
 */
import type { SimulatedCard } from "../SimulatedCard.js"
import * as Engine from "./Engine.js"
import { build, type CardType, type ContentOptions, type Gen2Files } from "./Gen2Files.js"

export type { DfName, State } from "./Engine.js"
export {
  Capacity,
  type CardType,
  type ContentOptions,
  DEFAULT_CARD_NUMBER,
  DEFAULTS_05,
  DEFAULTS_06,
  type Gen2Files,
  PrintedEntries,
  SIGNED_ENTRIES_LENGTH,
  sign,
  signedDataOf,
  type Under1Options
} from "./Gen2Files.js"

/** DF names (AIDs): the same as the first generation's (SPEC2 §3.3.2, p. 9). */
export const Aid = Engine.Aid

/** The ATR a PC/SC reader synthesises (Type B, application data `00000000`). Illustrative: do not match on it. */
export const ATR: Uint8Array = Engine.ATR

/**
 * The card's content and randomness. With `randoms: [RND.ICC, K.ICC]` of SPEC2 別添2 (`921CE277323DA057`,
 * `2CC6AF9B8B607C662FDCAD27B401D08B`) and card number `AA12345678BB`, the worked example replays byte for byte.
 */
export interface Options extends ContentOptions, Engine.RandomnessOptions {}

export interface Gen2Card extends SimulatedCard {
  readonly cardNumber: string
  readonly cardType: CardType
  /** The EF contents the card serves (copies). */
  readonly files: Gen2Files
  /** The 96-byte signature `r ‖ s` in DF3/EF01 `DC`. */
  readonly signature: Uint8Array
  /** The 5553 bytes the signature covers: printed-entry values padded to 53 ‖ `D1` value ‖ `D0` value. */
  readonly signedData: Uint8Array
  /** A snapshot of the volatile state. */
  readonly inspect: () => Engine.State
}

/** KSenc = SHA-1(K.IFD ⊕ K.ICC ‖ 00000001), first 16 bytes: unchanged from generation 1. */
export const deriveSessionKey = Engine.deriveSessionKey

/**
 * Makes a card. Throws a `RangeError` naming the option when an option is invalid (wrong card number format, value
 * too long, image too large, a 05-only field on a 06 card, bad key). The card is powered on and the MF is current.
 */
export const make = (options: Options = {}): Gen2Card => {
  const content = build(options)
  const { files } = content
  const { ef } = Engine
  // P1 values of SPEC2 (reference §4): they do not follow the EF numbers.
  const tree: Engine.Tree = {
    MF: [ef("MF/EF01", 0x0b, files.mf.ef01, "free"), ef("MF/EF02", 0x0a, files.mf.ef02, "free")],
    DF1: [
      ef("DF1/EF01", 0x01, files.df1.ef01, "authAndSm"),
      ef("DF1/EF02", 0x03, files.df1.ef02, "authAndSm"),
      ef("DF1/EF03", 0x04, files.df1.ef03, "authAndSm"),
      ef("DF1/EF04", 0x06, files.df1.ef04, "authAndSm")
    ],
    DF2:
      content.cardType === "05"
        ? [
            ef("DF2/EF01", 0x01, files.df2.ef01!, "auth"),
            ef("DF2/EF02", 0x02, files.df2.ef02!, "auth"),
            ef("DF2/EF03", 0x03, files.df2.ef03, "auth")
          ]
        : // SPEC2 calls the 06 card's only DF2 file EF01; it is read with P1 83 (ERI).
          [ef("DF2/EF01", 0x03, files.df2.ef03, "auth")],
    DF3: [ef("DF3/EF01", 0x02, files.df3.ef01, "auth")]
  }
  const engine = Engine.make({ cardNumber: content.cardNumber, tree, suite: Engine.AES, randomness: options })

  return {
    ...engine,
    cardNumber: content.cardNumber,
    cardType: content.cardType,
    get files() {
      return Engine.copyFiles(files)
    },
    get signature() {
      return content.signature.slice()
    },
    get signedData() {
      return content.signedData.slice()
    }
  }
}

/** The SM response object `86 L 01 ‖ AES-CBC(KSenc, IV 0, data ‖ 80 00…)` the card sends for `data`. */
export const smObject = (sessionKey: Uint8Array, data: Uint8Array): Uint8Array =>
  Engine.smObject(Engine.AES, sessionKey, data)

/** The largest plaintext chunk whose SM response object fits in `ne` bytes (239 for a short Le of 256). */
export const maxSmPlaintext = (ne: number): number => Engine.maxSmPlaintext(16, ne)
