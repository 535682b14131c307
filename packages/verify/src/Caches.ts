/**
 * The package keeps bounded caches of public material: parsed certificates, certificate and CVC signature results
 * (a signature check is a pure function of the bytes and the key), imported WebCrypto keys, and the check-code form
 * each first-generation key used. `clear` drops them all (memory pressure, benchmarks of the cold path).
 *
 * @since 0.1.0
 */
import { clearKeyCache } from "./internal/crypto.js"
import { clearCaches as clearCvc } from "./MyNumber.js"
import { clearFormCache } from "./Residence.js"
import { clearCaches as clearX509 } from "./X509.js"

export const clear = (): void => {
  clearKeyCache()
  clearX509()
  clearCvc()
  clearFormCache()
}
