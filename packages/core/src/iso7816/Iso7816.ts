/**
 * ISO/IEC 7816-4 interindustry commands over a `CardTransport`: SELECT, READ BINARY, GET CHALLENGE, and the
 * transmission rules around them (GET RESPONSE on `61xx`, resend on `6Cxx`, extended or chunked reads).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Apdu from "../apdu/Apdu.js"
import { CardStatusError } from "../apdu/StatusWord.js"
import { concat, toHex } from "../Bytes.js"
import { ApduTrace, type Disclosure, describeData } from "../trace/ApduTrace.js"
import { CardTransport, type CardTransportShape, TransportError } from "../transport/CardTransport.js"

export type ExchangeError = TransportError | Apdu.MalformedResponseError

export interface ExchangeOptions {
  /** Named step for traces and errors. */
  readonly step: string
  /** Whether the command data may be traced in clear (default: redacted). */
  readonly disclosure?: Disclosure
  /** Force a form; by default the smallest form that fits. */
  readonly form?: Apdu.Form
}

/**
 * Readers that claimed extended-length support and then answered `6700` to an extended APDU: from then on this
 * session (this transport instance) reads in short chunks. Keyed weakly, so the memory goes with the session.
 */
const extendedRefused = new WeakSet<CardTransportShape>()

/** Whether extended APDUs should be used on this transport. */
export const useExtended = (transport: CardTransportShape): boolean =>
  transport.capabilities.extendedLength && !extendedRefused.has(transport)

/** Records that this transport refused an extended APDU with 6700 (see `useExtended`). */
export const markExtendedRefused = (transport: CardTransportShape): void => void extendedRefused.add(transport)

/** The largest response data one exchange may carry on this transport, by the form in use. */
export const maxResponseData = (transport: CardTransportShape): number =>
  Math.min(transport.capabilities.maxResponseLength, useExtended(transport) ? 65536 : 256)

/**
 * The error for a link whose response limit (`Capabilities.maxResponseLength`, as the transport reports it) is below
 * the smallest response a step needs. A transport's capabilities come from a reader or a phone and are not trusted:
 * without this check a limit below one cipher block planned 0-byte chunks without end until memory ran out.
 */
export const responseLimitTooSmall = (transport: CardTransportShape, needed: number, step: string): TransportError =>
  new TransportError({
    reason: "Io",
    detail: `${step}: the link reports responses of at most ${maxResponseData(transport)} bytes and this step needs at least ${needed}; use a reader, or a transport setting, that carries 256-byte responses`
  })

const MAX_GET_RESPONSE = 64

/**
 * Sends one command and returns the response, whatever its status word: callers decide what a status means. Handles
 * `61xx` by GET RESPONSE (concatenating the data) and `6Cxx` by resending once with the Le the card asked for.
 */
export const exchange = Effect.fn("Iso7816.exchange")(function* (command: Apdu.Command, options: ExchangeOptions) {
  const transport = yield* CardTransport
  const trace = yield* ApduTrace
  const send = Effect.fnUntraced(function* (cmd: Apdu.Command, step: string, form: Apdu.Form) {
    const raw = yield* transport.transmit(Apdu.encode(cmd, form))
    const response = Apdu.parseResponse(raw)
    if (response === undefined)
      return yield* new Apdu.MalformedResponseError({ step, detail: `${raw.length} bytes, no status word` })
    yield* trace.record({
      step,
      header: toHex(Uint8Array.of(cmd.cla, cmd.ins, cmd.p1, cmd.p2)),
      ...(cmd.data !== undefined && cmd.data.length > 0
        ? { data: describeData(cmd.data, options.disclosure ?? "redacted")! }
        : {}),
      ...(cmd.le !== undefined ? { le: cmd.le } : {}),
      response: `<${response.data.length} bytes>`,
      sw: Apdu.swHex(response.sw),
      form
    })
    return response
  })

  let response = yield* send(command, options.step, options.form ?? Apdu.requiredForm(command))
  if (response.sw >> 8 === 0x6c) {
    // ISO/IEC 7816-4 §5.1.3: wrong Le; SW2 gives the exact length available. Resend once.
    const resend = { ...command, le: response.sw & 0xff || 256 }
    response = yield* send(resend, options.step, options.form ?? Apdu.requiredForm(resend))
  }
  if (response.sw >> 8 === 0x61) {
    const parts: Array<Uint8Array> = [response.data]
    let total = response.data.length
    for (let i = 0; response.sw >> 8 === 0x61; i++) {
      if (i >= MAX_GET_RESPONSE)
        return yield* new Apdu.MalformedResponseError({ step: options.step, detail: "endless GET RESPONSE chain" })
      const le = response.sw & 0xff || 256
      // GET RESPONSE keeps the logical channel of the command but never secure messaging, and its Le (at most 256,
      // from SW2) is always short, whatever form the command was forced into.
      const getResponse = Apdu.command(command.cla & 0x03, 0xc0, 0, 0, undefined, le)
      response = yield* send(getResponse, `${options.step}.getResponse`, "short")
      parts.push(response.data)
      total += response.data.length
    }
    const data = new Uint8Array(total)
    let offset = 0
    for (const p of parts) {
      data.set(p, offset)
      offset += p.length
    }
    response = { data, sw: response.sw }
  }
  return response
})

/** Fails with a `CardStatusError` naming the step unless the status is `9000`. */
export const expectOk =
  (step: string) =>
  (response: Apdu.Response): Effect.Effect<Uint8Array, CardStatusError> =>
    response.sw === 0x9000 ? Effect.succeed(response.data) : Effect.fail(CardStatusError.fromSw(step, response.sw))

/** Sends a command and requires `9000`; returns the response data. */
export const command = (cmd: Apdu.Command, options: ExchangeOptions) =>
  Effect.flatMap(exchange(cmd, options), expectOk(options.step))

/** SELECT by DF name (AID), P2 `0C`: no response data (ISO/IEC 7816-4 §11.2.2). */
export const selectAid = (aid: Uint8Array, step: string) =>
  command(Apdu.command(0x00, 0xa4, 0x04, 0x0c, aid), { step, disclosure: "public" })

/** SELECT by file identifier (P1 `02`: EF under the current DF), no response data. */
export const selectEf = (fid: number, step: string) =>
  command(Apdu.command(0x00, 0xa4, 0x02, 0x0c, Uint8Array.of(fid >> 8, fid & 0xff)), { step, disclosure: "public" })

/** SELECT MF by its identifier 3F00. */
export const selectMf = (step: string) =>
  command(Apdu.command(0x00, 0xa4, 0x00, 0x00, Uint8Array.of(0x3f, 0x00)), { step, disclosure: "public" })

/** GET CHALLENGE (ISO/IEC 7816-4 §11.5.3): `length` random bytes from the card. */
export const getChallenge = (length: number, step: string) =>
  Effect.flatMap(command(Apdu.command(0x00, 0x84, 0x00, 0x00, undefined, length), { step }), (data) =>
    data.length === length
      ? Effect.succeed(data)
      : Effect.fail(
          new Apdu.MalformedResponseError({ step, detail: `challenge of ${data.length} bytes, ${length} expected` })
        )
  )

/**
 * P1-P2 of READ BINARY: by short EF identifier (1–30) with an 8-bit offset, or on the current EF with a 15-bit offset.
 * Out-of-range values are programming errors and throw a `RangeError` (an SFI of 33 must not silently read SFI 1).
 */
export const readBinaryP1P2 = (
  target: { readonly sfi: number } | undefined,
  offset: number
): readonly [number, number] => {
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError("READ BINARY offset must be a non-negative integer")
  if (target !== undefined) {
    if (!Number.isInteger(target.sfi) || target.sfi < 1 || target.sfi > 30)
      throw new RangeError("a short EF identifier is 1 to 30")
    if (offset > 0xff) throw new RangeError("READ BINARY by SFI takes an offset of at most 255")
    return [0x80 | target.sfi, offset]
  }
  if (offset > 0x7fff) throw new RangeError("READ BINARY offset above 32767")
  return [(offset >> 8) & 0x7f, offset & 0xff]
}

/** The plan for reading `size` bytes in chunks of at most `chunk`: one entry per APDU. */
export const planChunks = (
  size: number,
  chunk: number
): ReadonlyArray<{ readonly offset: number; readonly length: number }> => {
  // A chunk of 0 (or NaN) bytes would never reach `size`: callers check the link's limit first.
  if (!(chunk >= 1)) throw new RangeError(`a chunk is at least 1 byte, got ${chunk}`)
  const plan: Array<{ offset: number; length: number }> = []
  for (let offset = 0; offset < size; offset += chunk) plan.push({ offset, length: Math.min(chunk, size - offset) })
  return plan
}

export interface ReadFileOptions {
  readonly sfi: number
  /** The file size in bytes, when the application defines it (fixed-size EFs). */
  readonly size: number
  readonly step: string
  /** CLA for the READ BINARY (default `00`). */
  readonly cla?: number
}

/**
 * Reads a whole EF of known size in plain: one extended READ BINARY when the transport supports it and the file fits
 * one response, chunks of the largest response otherwise, and short chunks again if a reader that claimed extended
 * support answers `6700` to an extended READ BINARY. A file that ends early is an error naming the step: never a
 * partial result.
 */
export const readFile = Effect.fn("Iso7816.readFile")(function* (options: ReadFileOptions) {
  const transport = yield* CardTransport
  const cla = options.cla ?? 0x00
  const [sfiP1] = readBinaryP1P2({ sfi: options.sfi }, 0)
  const readChunks: (chunk: number) => Effect.Effect<Uint8Array, ExchangeError | CardStatusError, CardTransport> =
    Effect.fnUntraced(function* (chunk: number) {
      if (!(chunk >= 1)) return yield* responseLimitTooSmall(transport, 1, options.step)
      const parts: Array<Uint8Array> = []
      for (const { offset, length } of planChunks(options.size, chunk)) {
        const [p1, p2] = readBinaryP1P2(offset === 0 ? { sfi: options.sfi } : undefined, offset)
        const cmd = Apdu.command(cla, 0xb0, p1, p2, undefined, length)
        const response = yield* exchange(cmd, { step: options.step })
        if (response.sw === 0x6700 && Apdu.requiredForm(cmd) === "extended") {
          // Extended chunks (a transport whose responses are capped, e.g. iOS at 1693 bytes) refused: start over in
          // short chunks. This recursion ends, since short chunks are never extended.
          markExtendedRefused(transport)
          return yield* readChunks(maxResponseData(transport))
        }
        const data = yield* expectOk(options.step)(response)
        if (data.length !== length)
          return yield* new Apdu.MalformedResponseError({
            step: options.step,
            detail: `${data.length} bytes at offset ${offset}, ${length} expected`
          })
        parts.push(data)
      }
      return concat(...parts)
    })
  const chunk = maxResponseData(transport)
  if (useExtended(transport) && options.size > 256 && chunk >= options.size) {
    // Whole file in one APDU, the spec's form `00 B0 P1 00 00 00 00` (Le 0000 = everything, up to 65536 bytes).
    const response = yield* exchange(Apdu.command(cla, 0xb0, sfiP1, 0x00, undefined, 65536), {
      step: options.step,
      form: "extended"
    })
    if (response.sw === 0x6700) {
      markExtendedRefused(transport)
      return yield* readChunks(maxResponseData(transport))
    }
    const data = yield* expectOk(options.step)(response)
    if (data.length !== options.size)
      return yield* new Apdu.MalformedResponseError({
        step: options.step,
        detail: `${data.length} bytes, ${options.size} expected`
      })
    return data
  }
  return yield* readChunks(chunk)
})
