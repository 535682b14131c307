/**
 * The card-side protocol shared by the simulated residence cards of both generations: SELECT FILE, VERIFY,
 * GET CHALLENGE, MUTUAL AUTHENTICATE and READ BINARY with the status words and access rules of 在留カード等仕様書
 * Ver 1.5 §3.3.3 and §4.2 (section and page numbers below refer to that document). The second generation uses the
 * same APDUs with AES-128-CBC and AES-CMAC/8 instead of TDES and the Retail MAC (第２世代在留カード等仕様書 Ver 1.1
 * 別添1, as summarised by third parties): the generations differ only in their {@link Suite} and their file tree.
 *
 * Written from the specs; it shares nothing with the reader in `@jpcard/core` except the block-cipher, MAC and
 * hash primitives.
 *
 * @since 0.1.0
 */
import { concat, equalConstantTime, xor } from "@jpcard/core/Bytes"
import {
  aesCbcDecrypt,
  aesCbcEncrypt,
  aesCmac,
  pad,
  retailMac,
  sha1,
  tdesCbcDecrypt,
  tdesCbcEncrypt
} from "@jpcard/core/crypto"
import * as Random from "../internal/Random.js"
import { encodeLength } from "../internal/Tlv.js"
import * as Atr from "../iso7816/Atr.js"
import * as CommandApdu from "../iso7816/CommandApdu.js"
import * as Sw from "../iso7816/StatusWord.js"
import { CardPoweredOffError, type SimulatedCard, sw, withSw } from "../SimulatedCard.js"

/** The cipher and MAC of one generation. Every cipher is CBC with a zero IV. */
export interface Suite {
  readonly name: "TDES" | "AES"
  /** Cipher block length in bytes (padding `80 00…` pads to a multiple of it). */
  readonly blockSize: 8 | 16
  readonly encrypt: (key: Uint8Array, data: Uint8Array) => Uint8Array
  readonly decrypt: (key: Uint8Array, data: Uint8Array) => Uint8Array
  /** The 8-byte MAC over E_IFD / E_ICC. */
  readonly mac: (key: Uint8Array, data: Uint8Array) => Uint8Array
}

/** Generation 1: TDES 2-key CBC (IV 0) and the Retail MAC, ISO/IEC 9797-1 MAC algorithm 3, padding 2 (別添1 表1). */
export const TDES: Suite = {
  name: "TDES",
  blockSize: 8,
  encrypt: (key, data) => tdesCbcEncrypt(key, data),
  decrypt: (key, data) => tdesCbcDecrypt(key, data),
  mac: (key, data) => retailMac(key, data)
}

/** Generation 2: AES-128-CBC (IV 0) and AES-CMAC (RFC 4493) truncated to its first 8 bytes. */
export const AES: Suite = {
  name: "AES",
  blockSize: 16,
  encrypt: (key, data) => aesCbcEncrypt(key, data),
  decrypt: (key, data) => aesCbcDecrypt(key, data),
  mac: (key, data) => aesCmac(key, data).slice(0, 8)
}

/** DF names (AIDs), the same for both card types (§3.3.2 表3-3, p. 9) and both generations. */
export const Aid = {
  DF1: Uint8Array.of(0xd3, 0x92, 0xf0, 0x00, 0x4f, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
  DF2: Uint8Array.of(0xd3, 0x92, 0xf0, 0x00, 0x4f, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
  DF3: Uint8Array.of(0xd3, 0x92, 0xf0, 0x00, 0x4f, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
} as const

/**
 * The ATR a PC/SC reader synthesises for the card (PC/SC Part 3): ATQB application data `00000000` (§2.1, p. 5);
 * the protocol info `00 81 71` (106 kbit/s, 256-byte frames, ISO 14443-4, FWI 7, CID supported) is illustrative:
 * the spec does not give it. Readers must not match on it.
 */
export const ATR: Uint8Array = Atr.typeB(new Uint8Array(4), Uint8Array.of(0x00, 0x81, 0x71))

export type DfName = "MF" | "DF1" | "DF2" | "DF3"

/** `"free"`: MF EFs; `"auth"`: after VERIFY, plain or SM; `"authAndSm"`: after VERIFY and under SM only. */
export type Access = "free" | "auth" | "authAndSm"

export interface Ef {
  /** `"DF1/EF01"` style name. */
  readonly name: string
  /** Short EF identifier: READ BINARY P1 = `80 | sfi`. */
  readonly sfi: number
  readonly content: Uint8Array
  readonly access: Access
}

export type Tree = Record<DfName, ReadonlyArray<Ef>>

/** Volatile state, for tests that want to look inside. */
export interface State {
  readonly powered: boolean
  readonly currentDf: DfName
  /** `"DF1/EF01"` style name of the current EF, if any. */
  readonly currentEf: string | undefined
  readonly challengeArmed: boolean
  /** KSenc after a successful MUTUAL AUTHENTICATE. */
  readonly sessionKey: Uint8Array | undefined
  /** Whether the card number was verified (VERIFY answered 90 00 in this session key's lifetime). */
  readonly verified: boolean
  /**
   * Set when a command answered `6F 00` because the next `randoms` entry did not fit the card's draw: which entry,
   * its length and what the card drew. It stays set (the script is a test's, not the session's).
   */
  readonly randomsMismatch?: string | undefined
}

/** Where a card's randomness comes from (both generations). */
export interface RandomnessOptions {
  /**
   * Deterministic randomness: the card's challenges and K.ICC come from SHA-256 in counter mode over this seed.
   * Without a seed (and after `randoms` is used up), `crypto.getRandomValues`.
   */
  readonly seed?: number | string | undefined
  /**
   * Scripted randomness, consumed in order before the seed or the system generator: each GET CHALLENGE takes the
   * next entry as RND.ICC (8 bytes), each successful MUTUAL AUTHENTICATE the next as K.ICC (16 bytes).
   *
   * Checked when the card is made: every entry is 8 or 16 bytes, the first is 8 (the card draws a K.ICC only in the
   * MUTUAL AUTHENTICATE right after a GET CHALLENGE, which drew an RND.ICC first) and a 16-byte entry follows an
   * 8-byte one; otherwise `make` throws a `RangeError` `randoms[i]: …` with the expected length. Which draw reaches
   * which entry depends on the commands a test sends (a second GET CHALLENGE, a failed MUTUAL AUTHENTICATE), so a
   * script that is valid here can still meet a draw of the other length: the card then answers `6F 00` (no precise
   * diagnosis / 自己診断異常), leaves the entry queued and changes nothing else (a MUTUAL AUTHENTICATE has already
   * ended the previous session, as for any outcome), and `inspect().randomsMismatch` says which entry and what
   * was drawn. `transmit` does not throw.
   */
  readonly randoms?: ReadonlyArray<Uint8Array> | undefined
}

/** The script check of {@link RandomnessOptions.randoms}: only RND.ICC (8) and K.ICC (16, right after an RND.ICC). */
const checkRandoms = (randoms: ReadonlyArray<Uint8Array> | undefined): ReadonlyArray<Uint8Array> =>
  Random.checkScript(randoms, (entry, previous) => {
    if (entry.length !== 8 && entry.length !== 16) {
      return "expected 8 bytes (RND.ICC, drawn by GET CHALLENGE) or 16 bytes (K.ICC, drawn by a successful MUTUAL AUTHENTICATE)"
    }
    if (entry.length === 16 && previous === undefined) {
      return "expected 8 bytes (RND.ICC): the first draw is always a GET CHALLENGE's, a K.ICC (16 bytes) is drawn only in the MUTUAL AUTHENTICATE right after one"
    }
    if (entry.length === 16 && previous?.length === 16) {
      return "expected 8 bytes (RND.ICC): a K.ICC (16 bytes) is drawn only right after an RND.ICC (8 bytes), and the entry before is a K.ICC"
    }
    return undefined
  })

/** The card as the engine runs it: ATR, commands and power; a generation adds its files and metadata. */
export interface Engine extends SimulatedCard {
  readonly inspect: () => State
}

/** INS of the commands whose 特記事項 says data longer than Lc is processed with Lc: SELECT, VERIFY, MUTUAL AUTH. */
const USES_LC_WHEN_LONGER: ReadonlySet<number> = new Set([0xa4, 0x20, 0x82])

/** The data object of a VERIFY (§4.2.2(3), p. 23): `86 11 01 ‖ 16 bytes`. */
const VERIFY_DO_HEADER = Uint8Array.of(0x86, 0x11, 0x01)

/** KSenc = h(K.IFD ⊕ K.ICC ‖ 00000001), first 16 bytes (別添1 Step 5, p. 35); the same for both generations. */
export const deriveSessionKey = (kIfd: Uint8Array, kIcc: Uint8Array): Uint8Array =>
  sha1(concat(xor(kIfd, kIcc), Uint8Array.of(0, 0, 0, 1))).slice(0, 16)

/** Kenc = Kmac = SHA-1(card number as 12 ASCII bytes), first 16 bytes (別添1, p. 34). */
export const deriveBaseKey = (cardNumber: string): Uint8Array => sha1(new TextEncoder().encode(cardNumber)).slice(0, 16)

/** SM READ BINARY response `86 L 01 ‖ e[KSenc](data ‖ 80 00…)` (§4.2.5(4), pp. 31–32). Padding always present. */
export const smObject = (suite: Suite, sessionKey: Uint8Array, data: Uint8Array): Uint8Array => {
  const cryptogram = suite.encrypt(sessionKey, pad(data, suite.blockSize))
  return concat(Uint8Array.of(0x86), encodeLength(cryptogram.length + 1), Uint8Array.of(0x01), cryptogram)
}

/** Size of the SM object for `n` plaintext bytes (padding 1 to `blockSize` bytes, always present). */
const smObjectSize = (blockSize: number, n: number): number => {
  const padded = (Math.floor(n / blockSize) + 1) * blockSize
  return 1 + encodeLength(padded + 1).length + 1 + padded
}

/** The largest plaintext whose SM object fits in `ne` response bytes (and in a 3-byte BER length), or -1. */
export const maxSmPlaintext = (blockSize: number, ne: number): number => {
  const top = Math.min(Math.floor(ne / blockSize), Math.floor(0xfffe / blockSize)) * blockSize
  for (let padded = top; padded >= blockSize; padded -= blockSize) {
    if (smObjectSize(blockSize, padded - 1) <= ne) return padded - 1
  }
  return -1
}

/**
 * The protocol state machine over a file tree. The card starts powered on with the MF current. `randomness`
 * supplies RND.ICC (8 bytes per GET CHALLENGE) and K.ICC (16 bytes per successful MUTUAL AUTHENTICATE).
 */
export const make = (options: {
  readonly cardNumber: string
  readonly tree: Tree
  readonly suite: Suite
  readonly randomness: RandomnessOptions
}): Engine => {
  const { tree, suite } = options
  const random = Random.make({ seed: options.randomness.seed, script: checkRandoms(options.randomness.randoms) })
  const cardNumberBytes = new TextEncoder().encode(options.cardNumber)
  const kEnc = deriveBaseKey(options.cardNumber)
  const kMac = kEnc
  // number ‖ 80 00 00 00: 16 bytes, two TDES blocks or one AES block.
  const expectedVerifyBlock = pad(cardNumberBytes, suite.blockSize)

  // Volatile state.
  let powered = true
  let currentDf: DfName = "MF"
  let currentEf: Ef | undefined
  let challenge: Uint8Array | undefined
  let sessionKey: Uint8Array | undefined
  let verified = false
  let randomsMismatch: string | undefined

  const reset = () => {
    currentDf = "MF"
    currentEf = undefined
    challenge = undefined
    sessionKey = undefined
    verified = false
  }

  // SELECT FILE (§4.2.1, pp. 21–22): MF by 3F00, DF by its 16-byte name; P2 0C (no response data).
  const select = (c: CommandApdu.CommandApdu): Uint8Array => {
    if (c.cla !== 0x00) return sw(Sw.SM_NOT_SUPPORTED)
    if (c.p1 === 0x00 && c.p2 === 0x00) {
      if (c.data.length !== 2) return sw(Sw.WRONG_LENGTH)
      if (c.data[0] !== 0x3f || c.data[1] !== 0x00) return sw(Sw.FILE_NOT_FOUND)
      currentDf = "MF"
      currentEf = undefined
      return sw(Sw.OK)
    }
    if (c.p1 === 0x04 && c.p2 === 0x0c) {
      if (!c.hasData) return sw(Sw.WRONG_LENGTH)
      const df = (Object.keys(Aid) as Array<keyof typeof Aid>).find((name) => equalConstantTime(Aid[name], c.data))
      if (df === undefined) return sw(Sw.FILE_NOT_FOUND)
      currentDf = df
      currentEf = undefined
      return sw(Sw.OK)
    }
    return sw(Sw.WRONG_P1_P2)
  }

  // GET CHALLENGE (§4.2.3, pp. 25–26): 8 random bytes; arms one MUTUAL AUTHENTICATE.
  const getChallenge = (c: CommandApdu.CommandApdu): Uint8Array => {
    if (c.cla !== 0x00) return sw(Sw.SM_NOT_SUPPORTED)
    if (c.p1 !== 0x00 || c.p2 !== 0x00) return sw(Sw.WRONG_P1_P2)
    if (c.hasData || c.ne === undefined || c.ne < 8) return sw(Sw.WRONG_LENGTH)
    const draw = random.next(8, "RND.ICC (GET CHALLENGE)")
    if (draw._tag === "Mismatch") {
      randomsMismatch = draw.message
      return sw(Sw.NO_PRECISE_DIAGNOSIS)
    }
    challenge = draw.bytes
    return withSw(challenge, Sw.OK)
  }

  // MUTUAL AUTHENTICATE (§4.2.4, pp. 27–28; 別添1 Step 4–5, p. 35).
  const mutualAuthenticate = (c: CommandApdu.CommandApdu, armed: Uint8Array | undefined): Uint8Array => {
    if (c.cla !== 0x00) return sw(Sw.SM_NOT_SUPPORTED)
    if (c.p1 !== 0x00 || c.p2 !== 0x00) return sw(Sw.WRONG_P1_P2)
    if (c.data.length !== 0x28 || (c.ne !== undefined && c.ne < 0x28)) return sw(Sw.WRONG_LENGTH)
    if (armed === undefined) return sw(Sw.CONDITIONS_NOT_SATISFIED)
    // A new key exchange ends the previous secure-messaging session, whatever its outcome.
    sessionKey = undefined
    verified = false
    const eIfd = c.data.subarray(0, 32)
    const mIfd = c.data.subarray(32, 40)
    // A host using the other generation's crypto fails here: its MAC does not match (63 00).
    if (!equalConstantTime(suite.mac(kMac, eIfd), mIfd)) return sw(Sw.VERIFICATION_FAILED)
    const plain = suite.decrypt(kEnc, eIfd) // RND.IFD ‖ RND.ICC ‖ K.IFD
    const rndIfd = plain.subarray(0, 8)
    if (!equalConstantTime(plain.subarray(8, 16), armed)) return sw(Sw.VERIFICATION_FAILED)
    const kIfd = plain.subarray(16, 32)
    const draw = random.next(16, "K.ICC (MUTUAL AUTHENTICATE)")
    if (draw._tag === "Mismatch") {
      randomsMismatch = draw.message
      return sw(Sw.NO_PRECISE_DIAGNOSIS)
    }
    const kIcc = draw.bytes
    const eIcc = suite.encrypt(kEnc, concat(armed, rndIfd, kIcc))
    const mIcc = suite.mac(kMac, eIcc)
    sessionKey = deriveSessionKey(kIfd, kIcc)
    return withSw(concat(eIcc, mIcc), Sw.OK)
  }

  // VERIFY under SM (§4.2.2, pp. 23–24).
  const verify = (c: CommandApdu.CommandApdu): Uint8Array => {
    if (c.cla !== 0x08) return sw(Sw.SECURITY_STATUS_NOT_SATISFIED)
    if (c.p1 !== 0x00 || c.p2 !== 0x86) return sw(Sw.WRONG_P1_P2)
    if (sessionKey === undefined) return sw(Sw.SECURITY_STATUS_NOT_SATISFIED)
    const d = c.data
    if (d.length !== 19 || !equalConstantTime(d.subarray(0, 3), VERIFY_DO_HEADER)) {
      return sw(Sw.SM_DATA_OBJECTS_INCORRECT)
    }
    // The whole decrypted block is compared with number ‖ 80 00 00 00: a padding error is a mismatch too.
    verified = equalConstantTime(suite.decrypt(sessionKey, d.subarray(3, 19)), expectedVerifyBlock)
    return sw(verified ? Sw.OK : Sw.VERIFICATION_FAILED)
  }

  // READ BINARY (§4.2.5, pp. 29–33).
  const readBinary = (c: CommandApdu.CommandApdu): Uint8Array => {
    const secure = c.cla === 0x08
    // SM layer: session key, then the Le object `96 02 XX XX`.
    let requested = 0 // 0 = to the end of the file
    if (secure) {
      if (sessionKey === undefined) return sw(Sw.SECURITY_STATUS_NOT_SATISFIED)
      const d = c.data
      if (d.length !== 4 || d[0] !== 0x96 || d[1] !== 0x02) return sw(Sw.SM_DATA_OBJECTS_INCORRECT)
      requested = (d[2]! << 8) | d[3]!
    } else {
      if (c.hasData || c.ne === undefined) return sw(Sw.WRONG_LENGTH)
    }
    // P1-P2: SFI form (1 0 0 s s s s s, 8-bit offset) or offset form (15-bit offset into the current EF).
    let target: Ef | undefined
    let offset: number
    if (c.p1 & 0x80) {
      if (c.p1 & 0x60) return sw(Sw.WRONG_P1_P2)
      const sfi = c.p1 & 0x1f
      target = tree[currentDf].find((e) => e.sfi === sfi)
      if (target === undefined) return sw(Sw.FILE_NOT_FOUND)
      offset = c.p2
    } else {
      if (currentEf === undefined) return sw(Sw.NO_CURRENT_EF)
      target = currentEf
      offset = (c.p1 << 8) | c.p2
    }
    // Access (表3-4/3-5, p. 9): MF EFs free; others after VERIFY; DF1 under SM only.
    if (target.access !== "free" && !verified) return sw(Sw.SECURITY_STATUS_NOT_SATISFIED)
    if (target.access === "authAndSm" && !secure) return sw(Sw.SECURITY_STATUS_NOT_SATISFIED)
    const size = target.content.length
    if (offset >= size) return sw(Sw.OFFSET_OUTSIDE_EF)
    const remaining = size - offset
    if (!secure) {
      const data = target.content.slice(offset, offset + Math.min(c.ne!, remaining))
      currentEf = target
      return withSw(data, Sw.OK)
    }
    // The response must fit the command's Ne: "read as much as possible up to XX XX" (p. 29), where what
    // is possible is bounded by the SM object that has to fit in Ne. Without Le, the maximum of the encoding.
    const ne = c.ne ?? (c.extended ? 65536 : 256)
    const fit = maxSmPlaintext(suite.blockSize, ne)
    if (fit < 1) return sw(Sw.WRONG_LENGTH)
    const length = Math.min(remaining, requested === 0 ? remaining : requested, fit)
    const data = target.content.subarray(offset, offset + length)
    currentEf = target
    return withSw(smObject(suite, sessionKey!, data), Sw.OK)
  }

  const transmit = (command: Uint8Array): Uint8Array => {
    if (!powered) throw new CardPoweredOffError()
    // A challenge arms only the command that directly follows it (§4.2.4(2): 「直前に」).
    const armed = challenge
    challenge = undefined
    if (command.length < 4) return sw(Sw.WRONG_LENGTH)
    const cla = command[0]!
    if (cla !== 0x00 && cla !== 0x08) {
      // Logical channels 1–3 in an otherwise valid CLA: 68 81; anything else: 6E 00.
      return sw(
        (cla & 0xfc) === 0x00 || (cla & 0xfc) === 0x08 ? Sw.LOGICAL_CHANNEL_NOT_SUPPORTED : Sw.CLA_NOT_SUPPORTED
      )
    }
    const ins = command[1]!
    if (ins !== 0xa4 && ins !== 0x20 && ins !== 0x84 && ins !== 0x82 && ins !== 0xb0) return sw(Sw.INS_NOT_SUPPORTED)
    // The length fields are checked before any command logic (67 00, 表4-5 p. 20: 「Lc 及び Le フィールドが間違って
    // いる」「APDU の長さが間違っている」). Command data longer than Lc is the one exception, and only where the spec
    // makes it: SELECT FILE, VERIFY and MUTUAL AUTHENTICATE use Lc (§4.2.1(6) p. 22, §4.2.2(6) p. 24, §4.2.4(6)
    // p. 28 特記事項: 「Lc 値よりもコマンドデータ長が大きい場合、Lc の値を正として処理を行う」). GET CHALLENGE and
    // READ BINARY have no such rule (§4.2.3(6) p. 26, §4.2.5(6) p. 33: 「特に無し」): surplus bytes are 67 00.
    const parsed = CommandApdu.parse(command, {
      dataLongerThanLc: USES_LC_WHEN_LONGER.has(ins) ? "useLc" : "wrongLength"
    })
    if (parsed._tag === "Error") return sw(parsed.sw)
    const c = parsed.command
    switch (ins) {
      case 0xa4:
        return select(c)
      case 0x20:
        return verify(c)
      case 0x84:
        return getChallenge(c)
      case 0x82:
        return mutualAuthenticate(c, armed)
      default:
        return readBinary(c)
    }
  }

  return {
    atr: ATR.slice(),
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
      currentEf: currentEf?.name,
      challengeArmed: challenge !== undefined,
      sessionKey: sessionKey?.slice(),
      verified,
      ...(randomsMismatch === undefined ? {} : { randomsMismatch })
    })
  }
}

/** A card's files: DF → EF → content (`undefined` where the card type has no such EF). */
type Files<F> = { readonly [D in keyof F]: { readonly [E in keyof F[D]]: Uint8Array | undefined } }

/** A copy of every EF content of `files`, for a card's `files` getter: callers cannot change what the card serves. */
export const copyFiles = <F extends Files<F>>(files: F): F =>
  Object.fromEntries(
    Object.entries(files).map(([df, efs]) => [
      df,
      Object.fromEntries(
        Object.entries(efs as Record<string, Uint8Array | undefined>).map(([name, content]) => [name, content?.slice()])
      )
    ])
  ) as F

/** An EF of the tree, holding a private copy of `content`. */
export const ef = (name: string, sfi: number, content: Uint8Array, access: Access): Ef => ({
  name,
  sfi,
  content: Uint8Array.from(content),
  access
})
