/**
 * Randomness for the terminal side of authentication (RND.IFD, K.IFD). The default draws from
 * `crypto.getRandomValues` (WebCrypto, in Node and browsers), so nothing needs providing; tests replace it with
 * `layerFixed` so that published worked examples replay byte for byte.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"

export interface SecureRandomShape {
  readonly nextBytes: (length: number) => Effect.Effect<Uint8Array>
}

/** `crypto.getRandomValues`, the platform's CSPRNG. */
export const webCrypto: SecureRandomShape = {
  nextBytes: (length) =>
    Effect.sync(() => {
      const out = new Uint8Array(length)
      // getRandomValues fills at most 65536 bytes per call.
      for (let offset = 0; offset < length; offset += 65536)
        globalThis.crypto.getRandomValues(out.subarray(offset, Math.min(length, offset + 65536)))
      return out
    })
}

export const SecureRandom = Context.Reference<SecureRandomShape>("@jpcard/core/SecureRandom", {
  defaultValue: () => webCrypto
})

export const layer: Layer.Layer<never> = Layer.succeed(SecureRandom, webCrypto)

/**
 * Test double: hands out the given bytes in order, e.g. a worked example's RND.IFD then K.IFD. Asking for more than
 * was supplied is a defect: the test scripted fewer bytes than the protocol draws.
 */
export const layerFixed = (...chunks: ReadonlyArray<Uint8Array>): Layer.Layer<never> =>
  Layer.sync(SecureRandom, () => {
    const queue = chunks.flatMap((c) => Array.from(c))
    return {
      nextBytes: (length: number) =>
        Effect.suspend(() => {
          if (queue.length < length)
            return Effect.die(new Error(`SecureRandom.layerFixed: ${length} bytes asked, ${queue.length} left`))
          return Effect.succeed(Uint8Array.from(queue.splice(0, length)))
        })
    }
  })
