/**
 * READ BINARY under the residence card's secure messaging: the command carries the expected length in an SM Le
 * object `96 02 XX XX`, the card answers `86 L 01 ‖ e[KSenc](data ‖ 80 00…)` with the status word in plain. There is
 * no MAC and no send-sequence counter; each response is decrypted on its own from IV 0 and carries its own padding
 * (在留カード等仕様書 Ver 1.5 §4.2.5(2)–(4), pp. 29–32).
 *
 * @since 0.1.0
 */
import { Effect, Result } from "effect"
import * as Apdu from "../apdu/Apdu.js"
import type { CardStatusError } from "../apdu/StatusWord.js"
import { unpad } from "../crypto/Padding.js"
import * as Iso7816 from "../iso7816/Iso7816.js"
import * as Tlv from "../tlv/Tlv.js"
import { CardTransport } from "../transport/CardTransport.js"
import { SecureMessagingError } from "./Errors.js"
import type { SecureSession } from "./Session.js"

/** Size of the `86` response object for `plaintext` bytes of data under a cipher of `blockSize`. */
export const responseObjectSize = (plaintext: number, blockSize: number): number => {
  const ciphertext = (Math.floor(plaintext / blockSize) + 1) * blockSize
  return 1 + Tlv.encodeLength(1 + ciphertext).length + 1 + ciphertext
}

/** The most plaintext one response of at most `limit` data bytes can carry. */
export const maxPlaintextPerResponse = (limit: number, blockSize: number): number => {
  let ciphertext = Math.floor((limit - 3) / blockSize) * blockSize
  while (ciphertext > 0 && 1 + Tlv.encodeLength(1 + ciphertext).length + 1 + ciphertext > limit) ciphertext -= blockSize
  return Math.max(0, ciphertext - 1)
}

/** Decrypts one SM response data field into the plain data. */
export const unwrapResponse = (
  session: SecureSession,
  data: Uint8Array,
  step: string
): Result.Result<Uint8Array, SecureMessagingError> => {
  const fail = (reason: SecureMessagingError["reason"]) => Result.fail(new SecureMessagingError({ step, reason }))
  const decoded = Tlv.decodeAllResult(data)
  if (Result.isFailure(decoded)) return fail("MalformedObject")
  if (decoded.success.length === 0 || decoded.success[0]!.tag !== 0x86) return fail("MissingCryptogram")
  if (decoded.success.length > 1) return fail("TrailingData")
  const value = decoded.success[0]!.value
  if (value.length < 1 || value[0] !== 0x01) return fail("BadPaddingIndicator")
  const ciphertext = value.subarray(1)
  const blockSize = session.suite.blockSize
  if (ciphertext.length === 0 || ciphertext.length % blockSize !== 0) return fail("BadCiphertextLength")
  const plain = unpad(session.decrypt(ciphertext), blockSize)
  return plain === undefined ? fail("BadPadding") : Result.succeed(plain)
}

const smLe = (length: number) => Uint8Array.of(0x96, 0x02, (length >> 8) & 0xff, length & 0xff)

type ReadError = Iso7816.ExchangeError | CardStatusError | SecureMessagingError

export interface SecureReadOptions {
  readonly sfi: number
  readonly size: number
  readonly step: string
}

/**
 * Reads a whole fixed-size EF under secure messaging: one extended APDU asking for the whole file (`96 02 00 00`)
 * when the link can carry the response, otherwise chunks sized so that each encrypted response fits, with a fallback
 * to chunks when a reader that claimed extended support answers `6700`. Fewer bytes than the file size is an error,
 * never a partial result.
 */
export const readFile = Effect.fn("residence.readSecure")(function* (
  session: SecureSession,
  options: SecureReadOptions
) {
  const transport = yield* CardTransport
  const blockSize = session.suite.blockSize

  const readOnce = Effect.fnUntraced(function* (p1: number, p2: number, length: number, wholeFile: boolean) {
    const extended = Iso7816.useExtended(transport)
    const response = yield* Iso7816.exchange(
      Apdu.command(0x08, 0xb0, p1, p2, smLe(wholeFile ? 0 : length), extended ? 65536 : 256),
      { step: options.step, form: extended ? "extended" : "short" }
    )
    return response
  })

  const decryptChecked = (response: Apdu.Response, expected: number, offset: number) =>
    Effect.gen(function* () {
      const data = yield* Iso7816.expectOk(options.step)(response)
      const plain = yield* Effect.fromResult(unwrapResponse(session, data, options.step))
      if (plain.length !== expected)
        return yield* new Apdu.MalformedResponseError({
          step: options.step,
          detail: `${plain.length} bytes at offset ${offset}, ${expected} expected`
        })
      return plain
    })

  // Chunks sized so that each encrypted response fits the link. A reader that claimed extended support and answers
  // 6700 is remembered for the session, and the file is read again from the start in short chunks.
  const readChunks: () => Effect.Effect<Uint8Array, ReadError, CardTransport> = Effect.fnUntraced(function* () {
    const chunk = maxPlaintextPerResponse(Iso7816.maxResponseData(transport), blockSize)
    // A link too small for one encrypted block (a reported 18 bytes under AES, or NaN) would plan 0-byte chunks.
    if (!(chunk >= 1))
      return yield* Iso7816.responseLimitTooSmall(transport, responseObjectSize(1, blockSize), options.step)
    const out = new Uint8Array(options.size)
    for (const { offset, length } of Iso7816.planChunks(options.size, chunk)) {
      const [p1, p2] = Iso7816.readBinaryP1P2(offset === 0 ? { sfi: options.sfi } : undefined, offset)
      const response = yield* readOnce(p1, p2, length, false)
      if (response.sw === 0x6700 && Iso7816.useExtended(transport)) {
        Iso7816.markExtendedRefused(transport)
        return yield* readChunks()
      }
      out.set(yield* decryptChecked(response, length, offset), offset)
    }
    return out
  })

  const whole = responseObjectSize(options.size, blockSize)
  if (Iso7816.useExtended(transport) && Iso7816.maxResponseData(transport) >= whole) {
    const [p1, p2] = Iso7816.readBinaryP1P2({ sfi: options.sfi }, 0)
    const response = yield* readOnce(p1, p2, options.size, true)
    if (response.sw === 0x6700) {
      Iso7816.markExtendedRefused(transport)
      return yield* readChunks()
    }
    return yield* decryptChecked(response, options.size, 0)
  }
  return yield* readChunks()
})
