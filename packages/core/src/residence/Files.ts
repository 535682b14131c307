/**
 * Where each residence card file lives and how large it is. All data objects are fixed length
 * (在留カード等仕様書 Ver 1.5 §3.3.4, p. 10), so every size is a constant: 表3-1/表3-2 (p. 8) for capacities, §4.2.5(3)
 * (pp. 30–31) for the short EF identifiers, 表3-4/表3-5 (p. 9) for access.
 *
 * @since 0.1.0
 */
import { fromHex } from "../Bytes.js"

/** DF names (AIDs), the same for both card types and both generations (表3-3, p. 9). */
export const aid = {
  df1: fromHex("D392F0004F0200000000000000000000"),
  df2: fromHex("D392F0004F0300000000000000000000"),
  df3: fromHex("D392F0004F0400000000000000000000")
} as const

export type Df = "MF" | keyof typeof aid

export interface FileSpec {
  readonly df: Df
  readonly sfi: number
  readonly size: number
  /** DF1 files can only be read under secure messaging (表3-4 注1, p. 9). */
  readonly secureMessagingOnly: boolean
  /** Present on 在留カード ("1") only, or on both card types. */
  readonly cardTypes: "both" | "residenceCardOnly"
}

/** MF/EF01 共通データ要素 and MF/EF02 カード種別: free to read (表3-4, p. 9). */
export const mf = {
  commonData: { df: "MF", sfi: 0x0b, size: 6, secureMessagingOnly: false, cardTypes: "both" },
  cardType: { df: "MF", sfi: 0x0a, size: 3, secureMessagingOnly: false, cardTypes: "both" }
} as const satisfies Record<string, FileSpec>

/** First-generation files after authentication (§3.3.1, p. 8; §3.3.4.3–§3.3.4.9, pp. 10–12). */
export const gen1 = {
  frontImage: { df: "df1", sfi: 0x05, size: 7004, secureMessagingOnly: true, cardTypes: "both" },
  faceImage: { df: "df1", sfi: 0x06, size: 3004, secureMessagingOnly: true, cardTypes: "both" },
  address: { df: "df2", sfi: 0x01, size: 342, secureMessagingOnly: false, cardTypes: "both" },
  comprehensivePermission: {
    df: "df2",
    sfi: 0x02,
    size: 122,
    secureMessagingOnly: false,
    cardTypes: "residenceCardOnly"
  },
  individualPermission: { df: "df2", sfi: 0x03, size: 122, secureMessagingOnly: false, cardTypes: "residenceCardOnly" },
  renewalApplication: { df: "df2", sfi: 0x04, size: 3, secureMessagingOnly: false, cardTypes: "residenceCardOnly" },
  signature: { df: "df3", sfi: 0x02, size: 1464, secureMessagingOnly: false, cardTypes: "both" }
} as const satisfies Record<string, FileSpec>

export type Gen1File = keyof typeof gen1

export const gen1Files: ReadonlyArray<Gen1File> = [
  "frontImage",
  "faceImage",
  "address",
  "comprehensivePermission",
  "individualPermission",
  "renewalApplication",
  "signature"
]

/**
 * Second-generation files (card types "05", "06"). From third-party summaries of the second-generation spec
 * (shared/reference/residence-card.md §4): P1 values `81`, `83`, `84`, `86` in DF1 do not follow the EF numbers.
 * DF1/EF02 holds 73 bytes on a 在留カード and 46 on a 特別永住者証明書.
 */
export const gen2 = {
  cardNumber: { df: "df1", sfi: 0x01, size: 14, secureMessagingOnly: true, cardTypes: "both" },
  printedEntries: { df: "df1", sfi: 0x03, size: 73, secureMessagingOnly: true, cardTypes: "both" },
  nameAndFace: { df: "df1", sfi: 0x04, size: 5508, secureMessagingOnly: true, cardTypes: "both" },
  addressImage: { df: "df1", sfi: 0x06, size: 2505, secureMessagingOnly: true, cardTypes: "both" },
  permissions: { df: "df2", sfi: 0x01, size: 22, secureMessagingOnly: false, cardTypes: "residenceCardOnly" },
  renewalApplication: { df: "df2", sfi: 0x02, size: 3, secureMessagingOnly: false, cardTypes: "residenceCardOnly" },
  otherEntries: { df: "df2", sfi: 0x03, size: 207, secureMessagingOnly: false, cardTypes: "both" },
  signature: { df: "df3", sfi: 0x02, size: 704, secureMessagingOnly: false, cardTypes: "both" }
} as const satisfies Record<string, FileSpec>

export type Gen2File = keyof typeof gen2

/** Size of a second-generation file on a card type: DF1/EF02 is shorter on the 特別永住者証明書 ("06"). */
export const gen2Size = (file: Gen2File, cardType: string): number =>
  file === "printedEntries" && cardType === "06" ? 46 : gen2[file].size

/**
 * Files a full read fetches by default. The card number file (DF1/EF01) is left out: VERIFY has just proved that the
 * card holds exactly the number the caller gave (the card compares it, §4.2.2), so reading it back costs an APDU for
 * nothing. Ask for `cardNumber` explicitly to read the chip's copy.
 */
export const gen2Files: ReadonlyArray<Gen2File> = [
  "printedEntries",
  "nameAndFace",
  "addressImage",
  "permissions",
  "renewalApplication",
  "otherEntries",
  "signature"
]

export const gen2AllFiles: ReadonlyArray<Gen2File> = ["cardNumber", ...gen2Files]
