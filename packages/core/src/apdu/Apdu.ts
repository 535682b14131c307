/**
 * Command and response APDUs, ISO/IEC 7816-4 §5.1 (cases 1–4, short and extended length).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { toHex } from "../Bytes.js"

/** A command APDU before encoding. `le` is the number of response bytes expected: 1–256 short, 1–65536 extended. */
export interface Command {
  readonly cla: number
  readonly ins: number
  readonly p1: number
  readonly p2: number
  readonly data?: Uint8Array | undefined
  readonly le?: number | undefined
}

export const command = (
  cla: number,
  ins: number,
  p1: number,
  p2: number,
  data?: Uint8Array | undefined,
  le?: number | undefined
): Command => ({ cla, ins, p1, p2, data, le })

/** Short: Lc ≤ 255, Le ≤ 256 (`00` = 256). Extended: Lc ≤ 65535, Le ≤ 65536 (`00 00` = 65536). */
export type Form = "short" | "extended"

/** The form a command needs: short if it fits, extended otherwise. */
export const requiredForm = (cmd: Command): Form =>
  (cmd.data?.length ?? 0) > 255 || (cmd.le ?? 0) > 256 ? "extended" : "short"

const checkByte = (name: string, value: number) => {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new RangeError(`APDU ${name} must be a byte`)
}

/**
 * Encodes a command in the given form (default: the smallest that fits). Commands are built by the library from
 * validated input, so an impossible command (Lc of 70000, Le of 0) is a programming error and throws.
 */
export const encode = (cmd: Command, form: Form = requiredForm(cmd)): Uint8Array => {
  checkByte("CLA", cmd.cla)
  checkByte("INS", cmd.ins)
  checkByte("P1", cmd.p1)
  checkByte("P2", cmd.p2)
  const data = cmd.data ?? new Uint8Array(0)
  const le = cmd.le
  const maxLc = form === "short" ? 255 : 65535
  const maxLe = form === "short" ? 256 : 65536
  if (data.length > maxLc) throw new RangeError(`APDU data of ${data.length} bytes does not fit a ${form} APDU`)
  if (le !== undefined && (!Number.isInteger(le) || le < 1 || le > maxLe))
    throw new RangeError(`APDU Le ${le} does not fit a ${form} APDU`)
  const out: Array<number> = [cmd.cla, cmd.ins, cmd.p1, cmd.p2]
  if (form === "short") {
    if (data.length > 0) out.push(data.length, ...data)
    if (le !== undefined) out.push(le & 0xff)
  } else {
    // ISO/IEC 7816-4 §5.1: an extended Lc is 00 followed by 2 bytes; an extended Le after Lc is 2 bytes, and 3 bytes
    // (00 ‖ 2 bytes) when there is no Lc.
    if (data.length > 0) out.push(0x00, data.length >> 8, data.length & 0xff, ...data)
    if (le !== undefined) {
      if (data.length === 0) out.push(0x00)
      out.push((le >> 8) & 0xff, le & 0xff)
    }
  }
  return Uint8Array.from(out)
}

/** A response APDU: data field and status word. */
export interface Response {
  readonly data: Uint8Array
  readonly sw: number
}

export const sw1 = (response: Response): number => response.sw >> 8
export const sw2 = (response: Response): number => response.sw & 0xff
export const isOk = (response: Response): boolean => response.sw === 0x9000

/** A response that is not even a response: fewer than the two status bytes. */
export class MalformedResponseError extends Schema.TaggedError<MalformedResponseError>()("MalformedResponseError", {
  step: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `${this.step}: the card's answer is malformed (${this.detail}); make sure the card lies still on the reader and read again`
  }
}

/** Splits a raw response into data and SW; `undefined` if it has fewer than 2 bytes. */
export const parseResponse = (raw: Uint8Array): Response | undefined =>
  raw.length < 2
    ? undefined
    : { data: raw.subarray(0, raw.length - 2), sw: (raw[raw.length - 2]! << 8) | raw[raw.length - 1]! }

/** `"9000"`-style text of a status word. */
export const swHex = (sw: number): string => toHex(Uint8Array.of(sw >> 8, sw & 0xff))
