/**
 * A simulated first-generation residence card (在留カード, card type `"1"`) or special permanent resident certificate
 * (特別永住者証明書, `"2"`), after 在留カード等仕様書 Ver 1.5 (出入国在留管理庁, 令和6年3月). Section and page
 * numbers below refer to that document.
 *
 * The card implements SELECT FILE, VERIFY, GET CHALLENGE, MUTUAL AUTHENTICATE and READ BINARY with the status words
 * and access rules of §3.3.3 and §4.2, the key exchange of 別添1 and the file contents of §3.3.4. Its protocol code
 * is written from the spec and shares nothing with the reader in `@jpcard/core` except the block-cipher, MAC and
 * hash primitives.
 *
 * ```ts
 * import { ResidenceGen1, SimTransport } from "@jpcard/sim"
 * const card = ResidenceGen1.make({ cardNumber: "AB12345678CD", seed: 1 })
 * const transport = SimTransport.layer(card) // Layer<CardTransport>
 * ```
 *
 * @since 0.1.0
 */
import type { SimulatedCard } from "../SimulatedCard.js"
import * as Engine from "./Engine.js"
import { build, type ContentOptions, type Gen1Files } from "./Gen1Files.js"

export type { DfName, State } from "./Engine.js"
export {
  Capacity,
  type ContentOptions,
  DEFAULT_ADDRESS,
  DEFAULT_CARD_NUMBER,
  DEFAULT_COMPREHENSIVE_PERMISSION,
  type Gen1Files,
  sign,
  type Under16Options
} from "./Gen1Files.js"

/** DF names (AIDs), the same for both card types (§3.3.2 表3-3, p. 9). */
export const Aid = Engine.Aid

/**
 * The ATR a PC/SC reader synthesises for the card (PC/SC Part 3): ATQB application data `00000000` (§2.1, p. 5);
 * the protocol info `00 81 71` (106 kbit/s, 256-byte frames, ISO 14443-4, FWI 7, CID supported) is illustrative:
 * the spec does not give it. Readers must not match on it.
 */
export const ATR: Uint8Array = Engine.ATR

/**
 * The card's content and randomness. With `randoms: [RND.ICC, K.ICC]` of 別添2 and card number `AA12345678BB`, the
 * spec's example replays byte for byte.
 */
export interface Options extends ContentOptions, Engine.RandomnessOptions {}

export interface Gen1Card extends SimulatedCard {
  readonly cardNumber: string
  readonly cardType: "1" | "2"
  /** The EF contents the card serves (copies). */
  readonly files: Gen1Files
  /** The check code in DF3/EF01 `DA`, or `undefined` on an under-16 card. */
  readonly checkCode: Uint8Array | undefined
  /** A snapshot of the volatile state. */
  readonly inspect: () => Engine.State
}

/** KSenc = h(K.IFD ⊕ K.ICC ‖ 00000001), first 16 bytes (別添1 Step 5, p. 35). */
export const deriveSessionKey = Engine.deriveSessionKey

/**
 * Makes a card. Throws a `RangeError` naming the option when an option is invalid (wrong card number format, text
 * too long, image too large, bad key). The card is powered on and the MF is current.
 */
export const make = (options: Options = {}): Gen1Card => {
  const content = build(options)
  const { files } = content
  const { ef } = Engine
  const tree: Engine.Tree = {
    // P1 codings of §4.2.5(3) (i)–(iv), pp. 30–31.
    MF: [ef("MF/EF01", 0x0b, files.mf.ef01, "free"), ef("MF/EF02", 0x0a, files.mf.ef02, "free")],
    DF1: [ef("DF1/EF01", 0x05, files.df1.ef01, "authAndSm"), ef("DF1/EF02", 0x06, files.df1.ef02, "authAndSm")],
    DF2: [
      ef("DF2/EF01", 0x01, files.df2.ef01, "auth"),
      ...(files.df2.ef02 === undefined ? [] : [ef("DF2/EF02", 0x02, files.df2.ef02, "auth")]),
      ...(files.df2.ef03 === undefined ? [] : [ef("DF2/EF03", 0x03, files.df2.ef03, "auth")]),
      ...(files.df2.ef04 === undefined ? [] : [ef("DF2/EF04", 0x04, files.df2.ef04, "auth")])
    ],
    DF3: [ef("DF3/EF01", 0x02, files.df3.ef01, "auth")]
  }
  const engine = Engine.make({ cardNumber: content.cardNumber, tree, suite: Engine.TDES, randomness: options })

  return {
    ...engine,
    cardNumber: content.cardNumber,
    cardType: content.cardType,
    get files() {
      return Engine.copyFiles(files)
    },
    get checkCode() {
      return content.checkCode?.slice()
    }
  }
}

/** The SM response object `86 L 01 ‖ e[KSenc](data ‖ padding)` the card sends for `data` (§4.2.5(4)). */
export const smObject = (sessionKey: Uint8Array, data: Uint8Array): Uint8Array =>
  Engine.smObject(Engine.TDES, sessionKey, data)

/** The largest plaintext chunk whose SM response object fits in `ne` bytes (247 for a short Le of 256). */
export const maxSmPlaintext = (ne: number): number => Engine.maxSmPlaintext(8, ne)
