/**
 * A simulated My Number card (マイナンバーカード / 個人番号カード) after `shared/reference/mynumber-card.md`: the JPKI AP,
 * 券面事項入力補助AP (kenhojo), 券面事項確認AP (kenkaku), 共通カードAP, 住基AP and the MF level, with their access rules,
 * retry counters and status words. Its protocol code is written from the reference and shares nothing with the reader
 * in `@jpcard/core` except the hash primitives. Fidelity choices and every place where the reference was ambiguous:
 * `README.md` next to this file.
 *
 * ```ts
 * import { MyNumberCard, SimTransport } from "@jpcard/sim"
 * const card = MyNumberCard.make({ preset: "foreignResident", triesLeft: { jpkiAuthPin: 1 }, seed: 1 })
 * const transport = SimTransport.layer(card) // Layer<CardTransport>
 * ```
 *
 * @since 0.1.0
 */
import { concat, equals, fromHex as hex } from "@jpcard/core/Bytes"
import { sha256 } from "@jpcard/core/crypto"
import * as Fixtures from "../fixtures/data.js"
import * as Random from "../internal/Random.js"
import * as Atr from "../iso7816/Atr.js"
import * as CommandApdu from "../iso7816/CommandApdu.js"
import * as Sw from "../iso7816/StatusWord.js"
import { CardPoweredOffError, type SimulatedCard, sw, withSw } from "../SimulatedCard.js"
import { tlv } from "./Ber.js"
import * as Files from "./Files.js"
import {
  birthDateKey,
  type Holder,
  japaneseNational,
  type PresetName,
  Presets,
  validate,
  verificationCodeA,
  verificationCodeB
} from "./Holder.js"
import {
  deterministicKey,
  privateKey,
  publicOf,
  type RsaPrivateKey,
  type RsaPublicKey,
  sha256DigestInfo,
  signPkcs1Payload,
  signPssSha256,
  toBigInt
} from "./Keys.js"
import * as Png from "./Png.js"

export { KeyIds, keyId, TokenLabel } from "./Files.js"
export {
  type BirthDateCalendar,
  birthDateDigits,
  birthDateKey,
  eraOf,
  foreignResident,
  type Holder,
  isValidMyNumber,
  japaneseNational,
  myNumberCheckDigit,
  type PresetName,
  Presets,
  type Sex,
  verificationCodeA,
  verificationCodeB
} from "./Holder.js"
export type { RsaPublicKey } from "./Keys.js"

/** DF names (AIDs), reference §2. `isd` is the GlobalPlatform Issuer Security Domain, current at power-on. */
export const Aid = {
  jpki: hex("D3 92 F0 00 26 01 00 00 00 01"),
  kenhojo: hex("D3 92 10 00 31 00 01 01 04 08"),
  kenkaku: hex("D3 92 10 00 31 00 01 01 04 02"),
  common: hex("D3 92 10 00 31 00 01 01 01 00"),
  juki: hex("D3 92 10 00 31 00 01 01 04 01"),
  isd: hex("A0 00 00 01 51 00 00")
} as const

/** Where the card is: `mf` is the power-on (ISD) state, the others the applications of {@link Aid}. */
export type DfName = "mf" | "jpki" | "kenhojo" | "kenkaku" | "common" | "juki"

/** EF identifiers (reference §3). */
export const Ef = {
  jpki: {
    signCertificate: 0x0001,
    signCaCertificate: 0x0002,
    tokenInfo: 0x0006,
    certificateAvailability: 0x0008,
    unknown0009: 0x0009,
    authCertificate: 0x000a,
    authCaCertificate: 0x000b,
    terminalCa: 0x0016,
    authKey: 0x0017,
    authPin: 0x0018,
    signKey: 0x001a,
    signPassword: 0x001b
  },
  kenhojo: {
    myNumber: 0x0001,
    attributes: 0x0002,
    integrity: 0x0003,
    certificate: 0x0004,
    basicInfo: 0x0005,
    sessionKeyPublicKey: 0x0006,
    signedPublicKey: 0x0007,
    unknown0008: 0x0008,
    pin: 0x0011,
    blocked0012: 0x0012,
    cardKey: 0x0013,
    codeA: 0x0014,
    codeB: 0x0015
  },
  kenkaku: {
    ageRecord: 0x0001,
    cardFace: 0x0002,
    basicInfo: 0x0003,
    certificate: 0x0004,
    myNumberImage: 0x0005,
    unknown0006: 0x0006,
    birthDateKey: 0x0011,
    codeB: 0x0012,
    codeA: 0x0013,
    cardKey: 0x001a
  },
  common: { cardInfo: 0x0001, keyReference: 0x0002, internalAuthKey: 0x0019, pin: 0x001c },
  juki: { keyReference: 0x0002, pin: 0x001c },
  mf: { internal001E: 0x001e }
} as const

/** Every key reference with a retry counter. */
export type KeyName =
  | "jpkiAuthPin"
  | "jpkiSignPassword"
  | "kenhojoPin"
  | "kenhojoBlocked0012"
  | "kenhojoA"
  | "kenhojoB"
  | "kenkakuBirthDate"
  | "kenkakuA"
  | "kenkakuB"
  | "commonPin"
  | "jukiPin"

/** Keys whose initial counter can be configured (kenhojo 0012 is blocked at issuance). */
export type ConfigurableKeyName = Exclude<KeyName, "kenhojoBlocked0012">

/**
 * Retry limits (reference §6.1): 3 for the 4-digit PINs, 5 for the signing password; 10 for 照合番号A/B and (a
 * choice, the reference says "unknown") the 生年月日 key.
 */
export const MAX_TRIES: Readonly<Record<KeyName, number>> = {
  jpkiAuthPin: 3,
  jpkiSignPassword: 5,
  kenhojoPin: 3,
  kenhojoBlocked0012: 3,
  kenhojoA: 10,
  kenhojoB: 10,
  kenkakuBirthDate: 10,
  kenkakuA: 10,
  kenkakuB: 10,
  commonPin: 3,
  jukiPin: 3
}

/** The settable PINs. 照合番号A/B and the 生年月日 key follow from the holder data. */
export interface Pins {
  /** 利用者証明用暗証番号 (JPKI 0018): 4 digits. */
  readonly jpkiAuth: string
  /** 署名用パスワード (JPKI 001B): 6–16 of `[A-Z0-9]` with at least one letter and one digit. */
  readonly jpkiSign: string
  /** 券面事項入力補助用暗証番号 (kenhojo 0011): 4 digits. */
  readonly kenhojo: string
  /** 共通カードAP 001C: 4 digits. */
  readonly common: string
  /** 住民基本台帳用暗証番号 (住基AP 001C): 4 digits. */
  readonly juki: string
}

/** The test PINs of the P8N mock SDK (reference §12): `1234` everywhere, signing password `ABC123`. */
export const DEFAULT_PINS: Pins = {
  jpkiAuth: "1234",
  jpkiSign: "ABC123",
  kenhojo: "1234",
  common: "1234",
  juki: "1234"
}

const FOUR_DIGITS = /^[0-9]{4}$/
export const isValidSignPassword = (value: string): boolean =>
  /^[A-Z0-9]{6,16}$/.test(value) && /[A-Z]/.test(value) && /[0-9]/.test(value)

/** Contact ATR (T=1) of OpenSC's `jpki_atrs[]` (reference §10), zero historical bytes. */
export const ATR_CONTACT: Uint8Array = hex("3B E0 00 FF 81 31 FE 45 14")

/**
 * The ATR a PC/SC reader synthesises from the card's ATQB (reference §10): `3B 88 80 01 00 00 41 E0 B3 81 A1 00 3B`,
 * the historical bytes HPKI uses to recognise JPKI.
 */
export const ATR_CONTACTLESS: Uint8Array = Atr.typeB(hex("00 00 41 E0"), hex("B3 81 A1"))

/** Which JPKI token answers: the plastic card, or the smartphone JPKI of Android (GPSE) or iPhone (reference §10). */
export type Token = "card" | "android" | "iphone"

export interface Images {
  /** kenkaku DF27 photo (JPEG 2000). Default: the fixture face. */
  readonly face?: Uint8Array | undefined
  /** kenkaku DF25 name image (PNG). Default: the fixture when the name is the fixture's, else rendered. */
  readonly name?: Uint8Array | undefined
  /** kenkaku DF26 address image (PNG). Default: the fixture when the address is the fixture's, else rendered. */
  readonly address?: Uint8Array | undefined
  /** kenkaku EF0005 DF41 My Number image (PNG, 72×12). Default: fixture or rendered from the digits. */
  readonly myNumber?: Uint8Array | undefined
  /** kenkaku DF2A security-code image (PNG, 24×12). Default: fixture or rendered from the digits. */
  readonly securityCode?: Uint8Array | undefined
}

/** JPKI certificates (DER) and private keys (PKCS#8 DER). Defaults: the committed fixtures. */
export interface JpkiMaterial {
  readonly authCertificate?: Uint8Array | undefined
  readonly authCaCertificate?: Uint8Array | undefined
  readonly authKey?: Uint8Array | undefined
  readonly signCertificate?: Uint8Array | undefined
  readonly signCaCertificate?: Uint8Array | undefined
  readonly signKey?: Uint8Array | undefined
}

export interface Options {
  /** Starting holder and card data (default `japaneseNational`). */
  readonly preset?: PresetName | undefined
  /** Fields that override the preset. Validated: a `RangeError` names the bad field. */
  readonly holder?: Partial<Holder> | undefined
  /** PIN values; missing ones come from {@link DEFAULT_PINS}. */
  readonly pins?: Partial<Pins> | undefined
  /**
   * Initial retry counters (default: the maximum of {@link MAX_TRIES}). `0` gives a blocked key; `1` puts a test at
   * the last try. Counters are non-volatile: they survive `powerOff`/`powerOn` and only a successful VERIFY resets
   * them.
   */
  readonly triesLeft?: Partial<Record<ConfigurableKeyName, number>> | undefined
  /** Contact (T=1) or contactless (Type B) ATR; default `contact`. The APDUs are the same on both (reference §10). */
  readonly connection?: "contact" | "contactless" | undefined
  /** Overrides the ATR (to test readers against the ATR variety of reference §10). */
  readonly atr?: Uint8Array | undefined
  /** Plastic card (default) or smartphone JPKI, which has the JPKI AP only. */
  readonly token?: Token | undefined
  readonly images?: Images | undefined
  readonly jpki?: JpkiMaterial | undefined
  /**
   * Deterministic randomness for GET CHALLENGE and the PSS salts: SHA-256 in counter mode over the seed. Without a
   * seed (and after `randoms` is used up), `crypto.getRandomValues`.
   */
  readonly seed?: number | string | undefined
  /**
   * Scripted randomness consumed in order first: one entry per GET CHALLENGE (Le bytes) or PSS salt (32 bytes, `80 2A`
   * P1 `04`/`05`).
   *
   * Checked when the card is made: every entry must be 1–256 bytes (the only lengths the card draws), else `make`
   * throws a `RangeError` `randoms[i]: …`. Which draw reaches which entry depends on the commands a test sends (the
   * Le of each GET CHALLENGE, when it signs), so a draw can still meet an entry of another length: the card then
   * answers `6F 00` (no precise diagnosis), leaves the entry queued and changes nothing, and
   * `inspect().randomsMismatch` says which entry and what was drawn. `transmit` does not throw.
   */
  readonly randoms?: ReadonlyArray<Uint8Array> | undefined
}

/** A snapshot of the card state, for tests. */
export interface State {
  readonly powered: boolean
  readonly currentDf: DfName
  /** The current EF's identifier, if any. */
  readonly currentEf: number | undefined
  /** Key references verified in the current DF (cleared by SELECT of a DF and by reset). */
  readonly verified: ReadonlyArray<KeyName>
  /** Non-volatile retry counters. */
  readonly triesLeft: Readonly<Record<KeyName, number>>
  /**
   * Set when a command answered `6F 00` because the next `randoms` entry did not fit the card's draw: which entry,
   * its length and what the card drew. It stays set (the script is a test's, not the session's).
   */
  readonly randomsMismatch?: string | undefined
}

/** The public keys behind the card's signatures, for verifying them in tests. */
export interface PublicKeys {
  /** Test CVC CA (signs the kenhojo/kenkaku CVCs and the MF chain root `00F8`). */
  readonly cvcCa: RsaPublicKey
  /** kenhojo AP key (certified by the kenhojo CVC; signs EF0003 and EF0007). */
  readonly kenhojoAp: RsaPublicKey
  /** kenkaku AP key (certified by the kenkaku CVC; signs EF0001, EF0002, EF0005). */
  readonly kenkakuAp: RsaPublicKey
  /** kenhojo card key (EF0007 DF51; answers `80 2A` in kenhojo without PIN). */
  readonly kenhojoCard: RsaPublicKey
  /** kenkaku card key (DF12/DF24/DF42; answers `80 2A` in kenkaku without PIN). */
  readonly kenkakuCard: RsaPublicKey
  readonly jpkiAuth: RsaPublicKey
  readonly jpkiSign: RsaPublicKey
  /** Common AP 0019 (INTERNAL AUTHENTICATE); not on the card. Generated on first use (about a second). */
  readonly commonInternalAuth: RsaPublicKey
  /** kenhojo EF0006 session-key encryption key. Generated on first use. */
  readonly kenhojoSessionKey: RsaPublicKey
  /** MF chain intermediate (certified by `00F8`, signs `7F21`). Generated on first use. */
  readonly mfIntermediate: RsaPublicKey
  /** MF chain leaf (certified by `7F21`). Generated on first use. */
  readonly mfLeaf: RsaPublicKey
}

export interface MyNumberCard extends SimulatedCard {
  readonly holder: Holder
  readonly token: Token
  /** 照合番号A (12 digits). */
  readonly verificationCodeA: string
  /** 照合番号B (14 digits) in the calendar the holder's birth date is printed in. */
  readonly verificationCodeB: string
  /** The kenkaku 生年月日 key (6 digits). */
  readonly birthDateKey: string
  /** Current PIN values (after CHANGE REFERENCE DATA / CHANGE KEY). */
  readonly pins: Pins
  readonly publicKeys: PublicKeys
  /** Physical content of a transparent EF (a copy, `FF` filler included), or `undefined`. */
  readonly file: (df: DfName, fid: number) => Uint8Array | undefined
  /** Records of a record EF (copies), or `undefined`. */
  readonly records: (df: DfName, fid: number) => ReadonlyArray<Uint8Array> | undefined
  /** A GET DATA object at the MF level as the card answers it (copy), or `undefined`. */
  readonly dataObject: (tag: number) => Uint8Array | undefined
  readonly triesLeft: (key: KeyName) => number
  readonly inspect: () => State
}

// ---------------------------------------------------------------------------------------------------------------------

/** ISO/IEC 7816-4 status words the shared table lacks. */
const SW = {
  WRONG_LENGTH_EXACT: (n: number) => 0x6c00 | (n & 0xff),
  PIN_TRIES: (n: number) => 0x63c0 | (n & 0x0f),
  CHAINING_NOT_SUPPORTED: 0x6884,
  INCOMPATIBLE_FILE_STRUCTURE: 0x6981,
  AUTH_METHOD_BLOCKED: 0x6984,
  SM_NOT_SUPPORTED_JICSAP: 0x69fc,
  INCORRECT_DATA: 0x6a80,
  RECORD_NOT_FOUND: 0x6a83,
  REFERENCED_DATA_NOT_FOUND: 0x6a88,
  NO_KEY_DELIVERY: 0x66f1,
  NO_PRECISE_DIAGNOSIS: 0x6f00
} as const

type Condition = "free" | "never" | ReadonlyArray<KeyName>

type Node =
  | { readonly kind: "binary"; readonly fid: number; readonly read: Condition; readonly content: () => Uint8Array }
  | {
      readonly kind: "record"
      readonly fid: number
      readonly read: Condition
      readonly records: () => ReadonlyArray<Uint8Array>
    }
  | { readonly kind: "pin"; readonly fid: number; readonly key: KeyName; readonly change: "00 24" | "80 32" | "none" }
  | {
      readonly kind: "signKey"
      readonly fid: number
      readonly use: Condition
      readonly isDefault: boolean
      readonly key: () => RsaPrivateKey
    }
  | { readonly kind: "authKey"; readonly fid: number; readonly key: () => RsaPrivateKey }
  | { readonly kind: "internal"; readonly fid: number }

const lazy = <A>(f: () => A): (() => A) => {
  let value: { readonly v: A } | undefined
  return () => {
    if (value === undefined) value = { v: f() }
    return value.v
  }
}

/** Labels of the generated keys (deterministic, the same in every run and for every card). */
const GeneratedKey = {
  commonInternalAuth: "mynumber common AP 0019 internal authenticate",
  kenhojoSessionKey: "mynumber kenhojo EF0006 session key encryption",
  mfIntermediate: "mynumber MF chain intermediate",
  mfLeaf: "mynumber MF chain leaf"
} as const

const checkPins = (pins: Pins): Pins => {
  for (const name of ["jpkiAuth", "kenhojo", "common", "juki"] as const) {
    if (!FOUR_DIGITS.test(pins[name])) throw new RangeError(`pins.${name}: expected 4 digits`)
  }
  if (!isValidSignPassword(pins.jpkiSign)) {
    throw new RangeError("pins.jpkiSign: expected 6–16 of [A-Z0-9] with at least one letter and one digit")
  }
  return pins
}

const fixtureImage = (
  given: Uint8Array | undefined,
  value: string,
  fixtureValue: string,
  fixture: Uint8Array,
  draw: () => Uint8Array
): Uint8Array => Uint8Array.from(given ?? (value === fixtureValue ? fixture : draw()))

/**
 * Makes a card. Throws a `RangeError` naming the option when an option is invalid. The card is powered on with the
 * ISD (MF level) current.
 */
export const make = (options: Options = {}): MyNumberCard => {
  const holder = validate({ ...Presets[options.preset ?? "japaneseNational"], ...options.holder })
  const pins = checkPins({ ...DEFAULT_PINS, ...options.pins })
  const token: Token = options.token ?? "card"
  const connection = options.connection ?? "contact"
  const atr = Uint8Array.from(options.atr ?? (connection === "contact" ? ATR_CONTACT : ATR_CONTACTLESS))
  const random = Random.make({
    seed: options.seed,
    script: Random.checkScript(options.randoms, (entry) =>
      entry.length >= 1 && entry.length <= 256
        ? undefined
        : "expected 1–256 bytes (a GET CHALLENGE draws Le bytes, 1–256; a PSS signature a 32-byte salt)"
    )
  })
  const fixture = japaneseNational

  const images = {
    face: Uint8Array.from(options.images?.face ?? Fixtures.myNumberFaceJp2),
    name: fixtureImage(options.images?.name, holder.name, fixture.name, Fixtures.myNumberNamePng, () =>
      Png.encodePng(Png.render(holder.name, { minWidth: 320, height: 48, scale: 3, left: 8 }))
    ),
    address: fixtureImage(options.images?.address, holder.address, fixture.address, Fixtures.myNumberAddressPng, () =>
      Png.encodePng(Png.render(holder.address, { minWidth: 640, height: 48, scale: 2, left: 8 }))
    ),
    myNumber: fixtureImage(
      options.images?.myNumber,
      holder.myNumber,
      fixture.myNumber,
      Fixtures.myNumberNumberPng,
      () => Png.encodePng(Png.render(holder.myNumber, { minWidth: 72, height: 12 }))
    ),
    securityCode: fixtureImage(
      options.images?.securityCode,
      holder.securityCode,
      fixture.securityCode,
      Fixtures.myNumberSecurityCodePng,
      () => Png.encodePng(Png.render(holder.securityCode, { minWidth: 24, height: 12 }))
    )
  }

  // Keys.
  const jpki = options.jpki ?? {}
  const authKey = privateKey(jpki.authKey ?? Fixtures.myNumberJpkiAuthKeyPkcs8Der)
  const signKey = privateKey(jpki.signKey ?? Fixtures.myNumberJpkiSignKeyPkcs8Der)
  const cvcCa = privateKey(Fixtures.myNumberCvcCaKeyPkcs8Der)
  const kenhojoAp = privateKey(Fixtures.myNumberKenhojoApKeyPkcs8Der)
  const kenkakuAp = privateKey(Fixtures.myNumberKenkakuApKeyPkcs8Der)
  const kenhojoCard = privateKey(Fixtures.myNumberKenhojoCardKeyPkcs8Der)
  const kenkakuCard = privateKey(Fixtures.myNumberKenkakuCardKeyPkcs8Der)
  const commonInternalAuth = lazy(() => deterministicKey(GeneratedKey.commonInternalAuth))
  const kenhojoSessionKey = lazy(() => deterministicKey(GeneratedKey.kenhojoSessionKey))
  const mfIntermediate = lazy(() => deterministicKey(GeneratedKey.mfIntermediate))
  const mfLeaf = lazy(() => deterministicKey(GeneratedKey.mfLeaf))

  // Contents (built on first read: each signature costs a few milliseconds).
  const kenhojoEf0001 = lazy(() => Files.kenhojoMyNumber(holder))
  const kenhojoEf0002 = lazy(() => Files.kenhojoAttributes(holder))
  const der = (given: Uint8Array | undefined, fallback: Uint8Array) => {
    const bytes = Uint8Array.from(given ?? fallback)
    return () => bytes
  }
  const ffs = (n: number) => () => new Uint8Array(n).fill(0xff)

  const signCert = der(jpki.signCertificate, Fixtures.myNumberJpkiSignCertDer)
  const authCert = der(jpki.authCertificate, Fixtures.myNumberJpkiAuthCertDer)
  const tree: Record<DfName, ReadonlyArray<Node>> = {
    mf: [{ kind: "internal", fid: Ef.mf.internal001E }],
    jpki: [
      { kind: "binary", fid: 0x0001, read: ["jpkiSignPassword"], content: signCert },
      {
        kind: "binary",
        fid: 0x0002,
        read: "free",
        content: der(jpki.signCaCertificate, Fixtures.myNumberJpkiSignCaCertDer)
      },
      {
        kind: "binary",
        fid: 0x0006,
        read: "free",
        content: lazy(() => Files.tokenInfo(Files.TokenLabel[token], holder.serialNumber))
      },
      { kind: "binary", fid: 0x0008, read: "free", content: () => Files.CERTIFICATE_AVAILABILITY },
      { kind: "binary", fid: 0x0009, read: "never", content: ffs(16) },
      { kind: "binary", fid: 0x000a, read: token === "android" ? ["jpkiAuthPin"] : "free", content: authCert },
      {
        kind: "binary",
        fid: 0x000b,
        read: "free",
        content: der(jpki.authCaCertificate, Fixtures.myNumberJpkiAuthCaCertDer)
      },
      { kind: "internal", fid: 0x0016 },
      { kind: "signKey", fid: 0x0017, use: ["jpkiAuthPin"], isDefault: false, key: () => authKey },
      { kind: "pin", fid: 0x0018, key: "jpkiAuthPin", change: "00 24" },
      { kind: "signKey", fid: 0x001a, use: ["jpkiSignPassword"], isDefault: false, key: () => signKey },
      { kind: "pin", fid: 0x001b, key: "jpkiSignPassword", change: "00 24" }
    ],
    kenhojo: [
      { kind: "binary", fid: 0x0001, read: ["kenhojoPin", "kenhojoA"], content: kenhojoEf0001 },
      { kind: "binary", fid: 0x0002, read: ["kenhojoPin", "kenhojoB"], content: kenhojoEf0002 },
      {
        kind: "binary",
        fid: 0x0003,
        read: ["kenhojoPin", "kenhojoA", "kenhojoB"],
        content: lazy(() => Files.kenhojoIntegrity(kenhojoEf0001(), kenhojoEf0002(), kenhojoAp))
      },
      {
        kind: "binary",
        fid: 0x0004,
        read: "free",
        content: lazy(() =>
          Files.cvc(cvcCa, Files.KeyIds.kenhojoCa, Files.subjectKeyId(holder, "33"), publicOf(kenhojoAp))
        )
      },
      { kind: "binary", fid: 0x0005, read: "free", content: lazy(() => Files.kenhojoBasicInfo(holder)) },
      {
        kind: "binary",
        fid: 0x0006,
        read: ["kenhojoPin", "kenhojoA", "kenhojoB"],
        content: lazy(() => Files.kenhojoSessionKeyFile(publicOf(kenhojoSessionKey())))
      },
      {
        kind: "binary",
        fid: 0x0007,
        read: ["kenhojoPin", "kenhojoA", "kenhojoB"],
        content: lazy(() => Files.kenhojoSignedPublicKey(publicOf(kenhojoCard), kenhojoAp))
      },
      { kind: "binary", fid: 0x0008, read: ["kenhojoPin", "kenhojoA", "kenhojoB"], content: ffs(16) },
      { kind: "pin", fid: 0x0011, key: "kenhojoPin", change: "00 24" },
      { kind: "pin", fid: 0x0012, key: "kenhojoBlocked0012", change: "none" },
      { kind: "signKey", fid: 0x0013, use: "free", isDefault: true, key: () => kenhojoCard },
      { kind: "pin", fid: 0x0014, key: "kenhojoA", change: "none" },
      { kind: "pin", fid: 0x0015, key: "kenhojoB", change: "none" }
    ],
    kenkaku: [
      {
        kind: "binary",
        fid: 0x0001,
        read: ["kenkakuBirthDate"],
        content: lazy(() => Files.kenkakuAgeRecord(holder, publicOf(kenkakuCard), kenkakuAp))
      },
      {
        kind: "binary",
        fid: 0x0002,
        read: ["kenkakuA", "kenkakuB"],
        content: lazy(() => Files.kenkakuCardFace(holder, images, publicOf(kenkakuCard), kenkakuAp))
      },
      { kind: "binary", fid: 0x0003, read: "free", content: lazy(() => Files.kenkakuBasicInfo(holder)) },
      {
        kind: "binary",
        fid: 0x0004,
        read: "free",
        content: lazy(() =>
          Files.cvc(cvcCa, Files.KeyIds.kenkakuCa, Files.subjectKeyId(holder, "23"), publicOf(kenkakuAp))
        )
      },
      {
        kind: "binary",
        fid: 0x0005,
        read: ["kenkakuA"],
        content: lazy(() => Files.kenkakuMyNumberImage(images.myNumber, publicOf(kenkakuCard), kenkakuAp))
      },
      { kind: "binary", fid: 0x0006, read: ["kenkakuA", "kenkakuB"], content: ffs(16) },
      { kind: "pin", fid: 0x0011, key: "kenkakuBirthDate", change: "none" },
      { kind: "pin", fid: 0x0012, key: "kenkakuB", change: "none" },
      { kind: "pin", fid: 0x0013, key: "kenkakuA", change: "none" },
      { kind: "signKey", fid: 0x001a, use: "free", isDefault: true, key: () => kenkakuCard }
    ],
    common: [
      { kind: "record", fid: 0x0001, read: "free", records: lazy(() => [Files.commonCardInfo(holder)]) },
      { kind: "record", fid: 0x0002, read: "free", records: () => [Files.KeyIds.issuer] },
      { kind: "authKey", fid: 0x0019, key: commonInternalAuth },
      { kind: "pin", fid: 0x001c, key: "commonPin", change: "80 32" }
    ],
    juki: [
      { kind: "record", fid: 0x0002, read: "free", records: () => [Files.KeyIds.issuer] },
      { kind: "pin", fid: 0x001c, key: "jukiPin", change: "80 32" }
    ]
  }
  const available: ReadonlyArray<DfName> =
    token === "card" ? ["mf", "jpki", "kenhojo", "kenkaku", "common", "juki"] : ["mf", "jpki"]

  // MF-level GET DATA objects (reference §3.6). The CVCs come without their 7F21 header, as GET DATA answers them.
  const dataObjects = new Map<number, () => Uint8Array>(
    token === "card"
      ? [
          [0x0042, () => Files.KeyIds.issuer],
          [0x0045, () => new TextEncoder().encode(holder.serialNumber)],
          [0x0066, () => Files.CARD_RECOGNITION_DATA],
          [0x00f0, () => new TextEncoder().encode(holder.municipalityCode)],
          [0x00f2, () => new TextEncoder().encode(holder.expiry)],
          [0x00f7, () => Files.KeyIds.mfIntermediate],
          [
            0x00f8,
            lazy(() =>
              Files.cvcContents(
                cvcCa,
                Files.cvcBody(Files.KeyIds.mfRoot, Files.KeyIds.mfIntermediate, publicOf(mfIntermediate()))
              )
            )
          ],
          [
            0x7f21,
            lazy(() =>
              Files.cvcContents(
                mfIntermediate(),
                Files.cvcBody(Files.KeyIds.mfIntermediate, Files.subjectKeyId(holder, "20"), publicOf(mfLeaf()))
              )
            )
          ],
          [0x5f51, () => ATR_CONTACT.subarray(1)]
        ]
      : []
  )

  // Non-volatile state: PIN values and retry counters.
  const secrets: Record<KeyName, { value: Uint8Array; left: number }> = (() => {
    const enc = (s: string) => new TextEncoder().encode(s)
    const initial = (key: ConfigurableKeyName, value: string) => {
      const left = options.triesLeft?.[key] ?? MAX_TRIES[key]
      if (!Number.isInteger(left) || left < 0 || left > MAX_TRIES[key]) {
        throw new RangeError(`triesLeft.${key}: expected an integer 0–${MAX_TRIES[key]}, got ${left}`)
      }
      return { value: enc(value), left }
    }
    return {
      jpkiAuthPin: initial("jpkiAuthPin", pins.jpkiAuth),
      jpkiSignPassword: initial("jpkiSignPassword", pins.jpkiSign),
      kenhojoPin: initial("kenhojoPin", pins.kenhojo),
      kenhojoBlocked0012: { value: new Uint8Array(0), left: 0 },
      kenhojoA: initial("kenhojoA", verificationCodeA(holder)),
      kenhojoB: initial("kenhojoB", verificationCodeB(holder)),
      kenkakuBirthDate: initial("kenkakuBirthDate", birthDateKey(holder)),
      kenkakuA: initial("kenkakuA", verificationCodeA(holder)),
      kenkakuB: initial("kenkakuB", verificationCodeB(holder)),
      commonPin: initial("commonPin", pins.common),
      jukiPin: initial("jukiPin", pins.juki)
    }
  })()
  const pinFormat: Partial<Record<KeyName, (value: string) => boolean>> = {
    jpkiAuthPin: (v) => FOUR_DIGITS.test(v),
    jpkiSignPassword: isValidSignPassword,
    kenhojoPin: (v) => FOUR_DIGITS.test(v),
    commonPin: (v) => FOUR_DIGITS.test(v),
    jukiPin: (v) => FOUR_DIGITS.test(v)
  }

  // Volatile state.
  let powered = true
  let currentDf: DfName = "mf"
  let currentEf: Node | undefined
  const verified = new Set<KeyName>()
  let pendingTerminalCertificate = false
  let randomsMismatch: string | undefined

  const reset = () => {
    currentDf = "mf"
    currentEf = undefined
    verified.clear()
    pendingTerminalCertificate = false
  }

  const satisfied = (condition: Condition): boolean =>
    condition === "free" || (condition !== "never" && condition.some((key) => verified.has(key)))

  const findByFid = (fid: number): Node | undefined => tree[currentDf].find((node) => node.fid === fid)

  /**
   * The key reference named by P2 of VERIFY, CHANGE REFERENCE DATA, CHANGE KEY, INTERNAL AUTHENTICATE and `80 2A`:
   * `80` = the current EF, `80|SFI` (SFI 01–1E) = that EF of the current DF, `00` = the DF's default key (`80 2A`
   * only). A status word when there is none.
   */
  const keyByP2 = (p2: number, allowDefault: boolean): Node | number => {
    if (p2 === 0x80) return currentEf ?? Sw.NO_CURRENT_EF
    if (p2 === 0x00 && allowDefault) {
      return tree[currentDf].find((node) => node.kind === "signKey" && node.isDefault) ?? SW.REFERENCED_DATA_NOT_FOUND
    }
    if ((p2 & 0xe0) === 0x80 && (p2 & 0x1f) >= 0x01 && (p2 & 0x1f) <= 0x1e) {
      return findByFid(p2 & 0x1f) ?? SW.REFERENCED_DATA_NOT_FOUND
    }
    return Sw.WRONG_P1_P2
  }

  // SELECT FILE (reference §4): DF by name (04 0C, or 04 00 with an FCI), EF by identifier (02 0C), the MF quirks.
  const select = (c: CommandApdu.CommandApdu): Uint8Array => {
    if (c.p1 === 0x04) {
      if (c.p2 !== 0x0c && c.p2 !== 0x00) return sw(Sw.WRONG_P1_P2)
      if (!c.hasData) return sw(Sw.WRONG_LENGTH)
      const name = c.data
      const order: ReadonlyArray<[DfName, Uint8Array]> = [
        ["mf", Aid.isd],
        ["common", Aid.common],
        ["juki", Aid.juki],
        ["kenkaku", Aid.kenkaku],
        ["kenhojo", Aid.kenhojo],
        ["jpki", Aid.jpki]
      ]
      const candidates = order.filter(([df]) => available.includes(df))
      // Exact name first, then the first DF whose name starts with the given bytes (JICSAP 4.2(1)).
      const match =
        candidates.find(([, aid]) => equals(aid, name)) ??
        candidates.find(([, aid]) => name.length < aid.length && equals(aid.subarray(0, name.length), name))
      if (match === undefined) return sw(Sw.FILE_NOT_FOUND)
      const fci = tlv(0x6f, tlv(0x84, match[1]))
      // The FCI must fit Ne like every other answer (reference §5: at most Ne bytes): a shorter Le gets 6Cxx with the
      // FCI's length, as GET DATA and READ RECORD answer, and nothing is selected (a checking error changes nothing).
      if (c.p2 === 0x00 && c.ne !== undefined && fci.length > c.ne) return sw(SW.WRONG_LENGTH_EXACT(fci.length))
      reset()
      currentDf = match[0]
      if (c.p2 === 0x0c) return sw(Sw.OK)
      return withSw(fci, Sw.OK)
    }
    if (c.p1 === 0x02) {
      if (c.p2 !== 0x0c) return sw(Sw.WRONG_P1_P2)
      if (c.data.length !== 2) return sw(Sw.WRONG_LENGTH)
      const node = findByFid((c.data[0]! << 8) | c.data[1]!)
      if (node === undefined) return sw(Sw.FILE_NOT_FOUND)
      currentEf = node
      return sw(Sw.OK)
    }
    if (c.p1 === 0x00) {
      // After reset: 6A86. With a DF current: 90 00 and nothing changes. 3F00 (or any FID): 6A82 (reference §4).
      if (c.hasData) return sw(Sw.FILE_NOT_FOUND)
      return sw(currentDf === "mf" ? Sw.WRONG_P1_P2 : Sw.OK)
    }
    return sw(Sw.WRONG_P1_P2)
  }

  // READ BINARY (reference §4, §5): offset form or SFI form; min(Ne, remaining) bytes; 6B00 at or past the end.
  const readBinary = (c: CommandApdu.CommandApdu): Uint8Array => {
    if (c.hasData || c.ne === undefined) return sw(Sw.WRONG_LENGTH)
    let node: Node
    let offset: number
    if (c.p1 & 0x80) {
      const sfi = c.p1 & 0x1f
      if (c.p1 & 0x60 || sfi === 0 || sfi === 0x1f) return sw(Sw.WRONG_P1_P2)
      const found = findByFid(sfi)
      if (found === undefined) return sw(Sw.FILE_NOT_FOUND)
      currentEf = found
      node = found
      offset = c.p2
    } else {
      if (currentEf === undefined) return sw(Sw.NO_CURRENT_EF)
      node = currentEf
      offset = (c.p1 << 8) | c.p2
    }
    if (node.kind !== "binary") return sw(SW.INCOMPATIBLE_FILE_STRUCTURE)
    if (!satisfied(node.read)) return sw(Sw.SECURITY_STATUS_NOT_SATISFIED)
    const content = node.content()
    if (offset >= content.length) return sw(Sw.OFFSET_OUTSIDE_EF)
    return withSw(content.slice(offset, offset + Math.min(c.ne, content.length - offset)), Sw.OK)
  }

  // READ RECORD(S) (reference §3.4, §4): P2 = SFI << 3 | 100 (record P1) or 101 (P1 to the last).
  const readRecord = (c: CommandApdu.CommandApdu): Uint8Array => {
    if (c.hasData || c.ne === undefined) return sw(Sw.WRONG_LENGTH)
    const sfi = c.p2 >> 3
    const mode = c.p2 & 0x07
    if (sfi === 0x1f || (mode !== 0x04 && mode !== 0x05) || c.p1 === 0) return sw(Sw.WRONG_P1_P2)
    let node: Node
    if (sfi === 0) {
      if (currentEf === undefined) return sw(Sw.NO_CURRENT_EF)
      node = currentEf
    } else {
      const found = findByFid(sfi)
      if (found === undefined) return sw(Sw.FILE_NOT_FOUND)
      currentEf = found
      node = found
    }
    if (node.kind !== "record") return sw(SW.INCOMPATIBLE_FILE_STRUCTURE)
    if (!satisfied(node.read)) return sw(Sw.SECURITY_STATUS_NOT_SATISFIED)
    const records = node.records()
    if (c.p1 > records.length) return sw(SW.RECORD_NOT_FOUND)
    const data = mode === 0x04 ? records[c.p1 - 1]! : concat(...records.slice(c.p1 - 1))
    if (data.length > c.ne) return sw(data.length > 256 ? Sw.WRONG_LENGTH : SW.WRONG_LENGTH_EXACT(data.length))
    return withSw(data, Sw.OK)
  }

  const pinNode = (c: CommandApdu.CommandApdu): Extract<Node, { kind: "pin" }> | number => {
    const node = keyByP2(c.p2, false)
    if (typeof node === "number") return node
    if (node.kind === "binary" || node.kind === "record") return SW.INCOMPATIBLE_FILE_STRUCTURE
    if (node.kind !== "pin") return SW.REFERENCED_DATA_NOT_FOUND
    return node
  }

  // VERIFY (reference §6.2): no data → 63Cx without consuming; wrong → decrement; 0 → 6984.
  const verify = (c: CommandApdu.CommandApdu): Uint8Array => {
    if (c.p1 !== 0x00) return sw(Sw.WRONG_P1_P2)
    const node = pinNode(c)
    if (typeof node === "number") return sw(node)
    if (c.case === 2) return sw(Sw.WRONG_LENGTH)
    const secret = secrets[node.key]
    if (!c.hasData) return sw(SW.PIN_TRIES(secret.left))
    if (secret.left === 0) return sw(SW.AUTH_METHOD_BLOCKED)
    if (secret.value.length > 0 && equals(secret.value, c.data)) {
      secret.left = MAX_TRIES[node.key]
      verified.add(node.key)
      return sw(Sw.OK)
    }
    secret.left -= 1
    verified.delete(node.key)
    return sw(SW.PIN_TRIES(secret.left))
  }

  // CHANGE REFERENCE DATA `00 24 01 80` (JPKI, kenhojo) and CHANGE KEY `80 32 00 80` (common, juki), after VERIFY.
  const changePin = (c: CommandApdu.CommandApdu, form: "00 24" | "80 32"): Uint8Array => {
    if (c.p1 !== (form === "00 24" ? 0x01 : 0x00)) return sw(Sw.WRONG_P1_P2)
    const node = pinNode(c)
    if (typeof node === "number") return sw(node)
    if (!c.hasData) return sw(Sw.WRONG_LENGTH)
    if (node.change !== form) return sw(Sw.CONDITIONS_NOT_SATISFIED)
    const secret = secrets[node.key]
    if (secret.left === 0) return sw(SW.AUTH_METHOD_BLOCKED)
    if (!verified.has(node.key)) return sw(Sw.SECURITY_STATUS_NOT_SATISFIED)
    const text = String.fromCharCode(...c.data)
    if (!(pinFormat[node.key]?.(text) ?? false)) return sw(SW.INCORRECT_DATA)
    secret.value = Uint8Array.from(c.data)
    return sw(Sw.OK)
  }

  // COMPUTE SIGNATURE `80 2A P1 P2` (reference §8.4, MC's schemes): P1 00 PKCS#1 v1.5 over the data as given
  // (1–245 bytes: the host supplies the DigestInfo), 01 SHA-256 then bare-hash PKCS#1 v1.5, 02 a 32-byte hash the
  // card wraps in a DigestInfo, 03 SHA-256 + DigestInfo, 04 a 32-byte hash → PSS, 05 SHA-256 → PSS.
  const computeSignature = (c: CommandApdu.CommandApdu): Uint8Array => {
    if (c.p1 > 0x05) return sw(Sw.WRONG_P1_P2)
    const node = keyByP2(c.p2, true)
    if (typeof node === "number") return sw(node)
    if (node.kind !== "signKey") return sw(SW.REFERENCED_DATA_NOT_FOUND)
    if (!satisfied(node.use)) return sw(Sw.SECURITY_STATUS_NOT_SATISFIED)
    if (!c.hasData) return sw(Sw.WRONG_LENGTH)
    const data = c.data
    const [min, max] = c.p1 === 0x00 ? [1, 245] : c.p1 === 0x02 || c.p1 === 0x04 ? [32, 32] : [1, 255]
    if (data.length < min || data.length > max) return sw(Sw.CONDITIONS_NOT_SATISFIED)
    if (c.ne !== undefined && c.ne < 256) return sw(SW.WRONG_LENGTH_EXACT(256))
    const key = node.key()
    let salt: Uint8Array = new Uint8Array(0)
    if (c.p1 === 0x04 || c.p1 === 0x05) {
      const draw = random.next(32, "a PSS salt (80 2A)")
      if (draw._tag === "Mismatch") {
        randomsMismatch = draw.message
        return sw(SW.NO_PRECISE_DIAGNOSIS)
      }
      salt = draw.bytes
    }
    switch (c.p1) {
      case 0x00:
        return withSw(signPkcs1Payload(key, data), Sw.OK)
      case 0x01:
        return withSw(signPkcs1Payload(key, sha256(data)), Sw.OK)
      case 0x02:
        return withSw(signPkcs1Payload(key, sha256DigestInfo(data)), Sw.OK)
      case 0x03:
        return withSw(signPkcs1Payload(key, sha256DigestInfo(sha256(data))), Sw.OK)
      case 0x04:
        return withSw(signPssSha256(key, data, salt), Sw.OK)
      default:
        return withSw(signPssSha256(key, sha256(data), salt), Sw.OK)
    }
  }

  // INTERNAL AUTHENTICATE `00 88 00 (80|SFI)`: only common 0019 answers, with PKCS#1 v1.5 over
  // DigestInfo(SHA-256(challenge)); PIN-protected keys 6982, the 券面 card keys 6985 (MC `card.rs`).
  const internalAuthenticate = (c: CommandApdu.CommandApdu): Uint8Array => {
    if (c.p1 !== 0x00) return sw(Sw.WRONG_P1_P2)
    const node = keyByP2(c.p2, false)
    if (typeof node === "number") return sw(node)
    if (node.kind === "signKey") {
      return sw(node.use === "free" ? Sw.CONDITIONS_NOT_SATISFIED : Sw.SECURITY_STATUS_NOT_SATISFIED)
    }
    if (node.kind !== "authKey") return sw(SW.REFERENCED_DATA_NOT_FOUND)
    if (!c.hasData || c.data.length > 255) return sw(Sw.WRONG_LENGTH)
    if (c.ne !== undefined && c.ne < 256) return sw(SW.WRONG_LENGTH_EXACT(256))
    return withSw(signPkcs1Payload(node.key(), sha256DigestInfo(sha256(c.data))), Sw.OK)
  }

  // GET CHALLENGE: 1–256 bytes; extended Le refused with 6985 (reference §4).
  const getChallenge = (c: CommandApdu.CommandApdu): Uint8Array => {
    if (c.p1 !== 0x00 || c.p2 !== 0x00) return sw(Sw.WRONG_P1_P2)
    if (c.hasData || c.ne === undefined) return sw(Sw.WRONG_LENGTH)
    if (c.extended) return sw(Sw.CONDITIONS_NOT_SATISFIED)
    const draw = random.next(c.ne, `a GET CHALLENGE with Le ${c.ne}`)
    if (draw._tag === "Mismatch") {
      randomsMismatch = draw.message
      return sw(SW.NO_PRECISE_DIAGNOSIS)
    }
    return withSw(draw.bytes, Sw.OK)
  }

  // GET DATA (reference §3.6): MF level only (5F51 everywhere); objects over 256 bytes need extended Le.
  const getData = (c: CommandApdu.CommandApdu): Uint8Array => {
    if (c.hasData || c.ne === undefined) return sw(Sw.WRONG_LENGTH)
    const tag = (c.p1 << 8) | c.p2
    if (currentDf !== "mf" && tag !== 0x5f51) return sw(SW.REFERENCED_DATA_NOT_FOUND)
    const object = dataObjects.get(tag)
    if (object === undefined) return sw(SW.REFERENCED_DATA_NOT_FOUND)
    const data = object()
    if (data.length > c.ne) return sw(data.length > 256 ? Sw.WRONG_LENGTH : SW.WRONG_LENGTH_EXACT(data.length))
    return withSw(data, Sw.OK)
  }

  // SET PUBLIC IC KEY `80 A2` (JPKI, key reference 0016): the two-part terminal CVC. No terminal CA is modelled, so
  // a well-formed certificate is refused at the signature part with 6A80.
  const setPublicIcKey = (c: CommandApdu.CommandApdu): Uint8Array => {
    if (currentDf !== "jpki") return sw(Sw.INS_NOT_SUPPORTED)
    const p1p2 = (c.p1 << 8) | c.p2
    if (p1p2 === 0x06c1) {
      if (c.data.length !== 307) return sw(Sw.WRONG_LENGTH)
      pendingTerminalCertificate = true
      return sw(Sw.OK)
    }
    if (p1p2 === 0x00c1) {
      const armed = pendingTerminalCertificate
      pendingTerminalCertificate = false
      if (!armed || c.data.length !== 260) return sw(Sw.WRONG_LENGTH)
      return sw(SW.INCORRECT_DATA)
    }
    return sw(Sw.WRONG_P1_P2)
  }

  // SET SESSION KEY `80 AE` (reference §4.1, MC `text.rs`): only kenhojo offers secure messaging, which this
  // simulator does not implement: every cryptogram below the modulus is refused with 6A80.
  const setSessionKey = (c: CommandApdu.CommandApdu): Uint8Array => {
    if (currentDf === "jpki" || currentDf === "juki") return sw(Sw.SECURITY_STATUS_NOT_SATISFIED)
    if (currentDf !== "kenhojo") return sw(SW.NO_KEY_DELIVERY)
    if (!verified.has("kenhojoPin")) return sw(Sw.SECURITY_STATUS_NOT_SATISFIED)
    if (c.data.length !== 256) return sw(Sw.WRONG_LENGTH)
    return sw(toBigInt(c.data) >= kenhojoSessionKey().n ? SW.NO_PRECISE_DIAGNOSIS : SW.INCORRECT_DATA)
  }

  // `80 FC 00 00`: the iPhone JPKI last-command indicator; the plastic card answers 67 00 (reference §4).
  const lastCommand = (c: CommandApdu.CommandApdu): Uint8Array => {
    if (token !== "iphone") return sw(Sw.WRONG_LENGTH)
    if (c.p1 !== 0x00 || c.p2 !== 0x00) return sw(Sw.WRONG_P1_P2)
    return sw(c.case === 1 ? Sw.OK : Sw.WRONG_LENGTH)
  }

  const INTERINDUSTRY = new Set([0xa4, 0xb0, 0xb2, 0x20, 0x24, 0x84, 0x88, 0xca, 0xc0])
  const PROPRIETARY = new Set([0x2a, 0x32, 0xa2, 0xae, 0xfc])

  const transmit = (command: Uint8Array): Uint8Array => {
    if (!powered) throw new CardPoweredOffError()
    if (command.length < 4) return sw(Sw.WRONG_LENGTH)
    const cla = command[0]!
    const ins = command[1]!
    // CLA: 0x (interindustry) or 8x (proprietary); channel bits b1-b2; SM bits b3-b4; chaining b5.
    if (cla === 0xff || ((cla & 0xe0) !== 0x00 && (cla & 0xe0) !== 0x80 && (cla & 0xc0) !== 0x40)) {
      return sw(Sw.CLA_NOT_SUPPORTED)
    }
    if ((cla & 0xc0) === 0x40 || (cla & 0x03) !== 0) return sw(Sw.LOGICAL_CHANNEL_NOT_SUPPORTED)
    if (cla & 0x10) return sw(SW.CHAINING_NOT_SUPPORTED)
    const proprietary = (cla & 0x80) !== 0
    if (!(proprietary ? PROPRIETARY : INTERINDUSTRY).has(ins)) return sw(Sw.INS_NOT_SUPPORTED)
    if (cla & 0x0c) {
      // Secure messaging: 68 82 to SELECT, 69 FC to READ BINARY and VERIFY (MC README).
      return sw(ins === 0xb0 || ins === 0x20 ? SW.SM_NOT_SUPPORTED_JICSAP : Sw.SM_NOT_SUPPORTED)
    }
    // The length fields are checked before any command logic: a command whose length disagrees with its Lc/Le (data
    // shorter or longer than Lc, anything but one Le field after the data) is 67 00 and changes nothing, so a VERIFY
    // with surplus bytes never consumes a try (ISO/IEC 7816-3 §12.1 cases; reference §4.1 `67 00` wrong length; the
    // reference has no 特記事項-style rule letting this card use Lc, unlike the residence card).
    const parsed = CommandApdu.parse(command, { dataLongerThanLc: "wrongLength" })
    if (parsed._tag === "Error") return sw(parsed.sw)
    const c = parsed.command
    if (proprietary) {
      switch (ins) {
        case 0x2a:
          return computeSignature(c)
        case 0x32:
          return changePin(c, "80 32")
        case 0xa2:
          return setPublicIcKey(c)
        case 0xae:
          return setSessionKey(c)
        default:
          return lastCommand(c)
      }
    }
    switch (ins) {
      case 0xa4:
        return select(c)
      case 0xb0:
        return readBinary(c)
      case 0xb2:
        return readRecord(c)
      case 0x20:
        return verify(c)
      case 0x24:
        return changePin(c, "00 24")
      case 0x84:
        return getChallenge(c)
      case 0x88:
        return internalAuthenticate(c)
      case 0xca:
        return getData(c)
      default:
        // GET RESPONSE: the card never answers 61xx, so there is never anything to collect.
        return sw(Sw.CONDITIONS_NOT_SATISFIED)
    }
  }

  const decoder = new TextDecoder()
  const nodeOf = (df: DfName, fid: number) => tree[df].find((node) => node.fid === fid)
  const triesLeft = (key: KeyName) => secrets[key].left

  return {
    atr,
    holder,
    token,
    verificationCodeA: verificationCodeA(holder),
    verificationCodeB: verificationCodeB(holder),
    birthDateKey: birthDateKey(holder),
    get pins(): Pins {
      return {
        jpkiAuth: decoder.decode(secrets.jpkiAuthPin.value),
        jpkiSign: decoder.decode(secrets.jpkiSignPassword.value),
        kenhojo: decoder.decode(secrets.kenhojoPin.value),
        common: decoder.decode(secrets.commonPin.value),
        juki: decoder.decode(secrets.jukiPin.value)
      }
    },
    publicKeys: {
      cvcCa: publicOf(cvcCa),
      kenhojoAp: publicOf(kenhojoAp),
      kenkakuAp: publicOf(kenkakuAp),
      kenhojoCard: publicOf(kenhojoCard),
      kenkakuCard: publicOf(kenkakuCard),
      jpkiAuth: publicOf(authKey),
      jpkiSign: publicOf(signKey),
      get commonInternalAuth() {
        return publicOf(commonInternalAuth())
      },
      get kenhojoSessionKey() {
        return publicOf(kenhojoSessionKey())
      },
      get mfIntermediate() {
        return publicOf(mfIntermediate())
      },
      get mfLeaf() {
        return publicOf(mfLeaf())
      }
    },
    file: (df, fid) => {
      const node = nodeOf(df, fid)
      return node?.kind === "binary" && available.includes(df) ? node.content().slice() : undefined
    },
    records: (df, fid) => {
      const node = nodeOf(df, fid)
      return node?.kind === "record" && available.includes(df) ? node.records().map((r) => r.slice()) : undefined
    },
    dataObject: (tag) => dataObjects.get(tag)?.().slice(),
    triesLeft,
    transmit,
    powerOn: () => {
      reset()
      powered = true
    },
    powerOff: () => {
      reset()
      powered = false
    },
    inspect: () => ({
      powered,
      currentDf,
      currentEf: currentEf?.fid,
      verified: [...verified],
      triesLeft: Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, v.left])) as Record<KeyName, number>,
      ...(randomsMismatch === undefined ? {} : { randomsMismatch })
    })
  }
}
