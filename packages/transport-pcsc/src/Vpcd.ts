/**
 * Node glue for the vpcd bridge of `@jpcard/sim`: plug a simulated card into the vsmartcard virtual reader driver
 * (Debian `vsmartcard-vpcd`) so that pcscd, and every PC/SC program, sees it in "Virtual PCD 00 00". Loopback only:
 * a host that is not 127.0.0.0/8, ::1 or `localhost` is refused, and Unix sockets are local by nature.
 *
 * - {@link connect}: the card connects to vpcd. Debian's `/etc/reader.conf.d/vpcd` makes vpcd listen on port 35963
 *   (slot 0) and 35964 (slot 1), on every interface; use it on a machine you control, or inside a private network
 *   namespace (see `testing/VirtualPcsc`, which relays a Unix socket into one).
 * - {@link listen}: "reversed" mode, vpcd connects to the card (`DEVICENAME 127.0.0.1:0x9C40` in a private
 *   `pcscd --config` directory). Both slot ports must listen before pcscd starts. Debian's vpcd 0.8 aborts pcscd
 *   when a reversed-mode card goes away (it polls a closed socket), so a listener there keeps its card inserted.
 *
 * Removing the card is closing the connection ({@link CardLink.remove}); `beforeCommand` can do it in the middle of
 * an exchange.
 *
 * Serving a card from the process that is also the PC/SC client needs care: `smartcard`'s establish, list and
 * disconnect calls are synchronous, and pcscd may hold the reader's lock while it waits for this card's answer to a
 * presence poll, so a synchronous call at that moment never returns. `testing/VirtualPcsc` avoids it with a relay
 * in another process that answers presence polls itself; direct use of `connect` and `listen` is safe when the PC/SC
 * client is another process (`pcsc_scan`, `opensc-tool`, another Node process).
 *
 * @since 0.1.0
 */
import * as net from "node:net"
import type { SimulatedCard } from "@jpcard/sim/SimulatedCard"
import { type AttachOptions, attach, DEFAULT_PORT, type VpcdSession } from "@jpcard/sim/vpcd/Vpcd"
import { Data, Effect, type Scope } from "effect"
import { IN_PROCESS_CARDS } from "./Pcsc.js"

export { DEFAULT_PORT }

export class VpcdError extends Data.TaggedError("VpcdError")<{
  readonly reason: "NotLoopback" | "Connect" | "Listen"
  readonly detail: string
}> {
  override get message(): string {
    return `vpcd bridge: ${this.detail}`
  }
}

/** 127.0.0.0/8, ::1 (also IPv4-mapped) and `localhost`. */
export const isLoopback = (host: string): boolean => {
  if (typeof host !== "string") return false
  const h = host.toLowerCase().replace(/^\[|\]$/g, "")
  if (h === "localhost" || h === "::1" || h === "0:0:0:0:0:0:0:1") return true
  const v4 = h.startsWith("::ffff:") ? h.slice(7) : h
  return net.isIPv4(v4) && v4.startsWith("127.")
}

const loopbackHost = (host: string | undefined): string => {
  const h = host ?? "127.0.0.1"
  if (!isLoopback(h))
    throw new VpcdError({
      reason: "NotLoopback",
      detail: `refusing ${JSON.stringify(h)}: the vpcd bridge talks to loopback addresses only (127.0.0.1, ::1)`
    })
  return h === "localhost" ? "127.0.0.1" : h
}

/** Where vpcd is: a loopback TCP port (default 127.0.0.1:35963), or a Unix socket path. */
export type Target = { readonly host?: string; readonly port?: number } | { readonly path: string }

/** A card inserted into a vpcd slot. */
export interface CardLink {
  readonly session: VpcdSession
  /** Settles when the connection is closed, by either side. */
  readonly closed: Promise<void>
  /** Pulls the card out; settles when the connection is closed. */
  remove(): Promise<void>
}

export interface ConnectOptions extends AttachOptions {
  /** Keep retrying a refused connection this long (ms), e.g. while pcscd starts. Default 0. */
  readonly retryFor?: number
}

const describe = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

const toBytes = (chunk: Buffer): Uint8Array => new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)

/** Counts this process's live vpcd cards for `Pcsc`'s exit hook (see `Pcsc.IN_PROCESS_CARDS`). */
const countInProcessCard = (delta: 1 | -1) => {
  const registry = globalThis as Record<symbol, unknown>
  registry[IN_PROCESS_CARDS] = Number(registry[IN_PROCESS_CARDS] ?? 0) + delta
}

/** Wires a connected socket to a card session. */
const link = (socket: net.Socket, card: SimulatedCard, options: AttachOptions): CardLink => {
  socket.setNoDelay(true)
  countInProcessCard(1)
  socket.once("close", () => countInProcessCard(-1))
  const session = attach(
    card,
    {
      write: (bytes) => void socket.write(bytes),
      close: () => void socket.destroy()
    },
    options
  )
  const closed = new Promise<void>((resolve) => {
    if (socket.destroyed) resolve()
    else socket.once("close", () => resolve())
  })
  socket.on("data", (chunk: Buffer) => session.onData(toBytes(chunk)))
  socket.on("error", () => {
    // "close" follows; the card is removed then
  })
  socket.once("close", () => session.onClose())
  return {
    session,
    closed,
    remove: () => {
      session.remove()
      return closed
    }
  }
}

/**
 * Inserts a card by connecting to vpcd (the standard configuration, or a Unix-socket relay). Resolves once
 * connected; pcscd notices the card on its next poll (wait with `Readers.waitForCard`, not a sleep).
 */
export const connect = (card: SimulatedCard, target: Target = {}, options: ConnectOptions = {}): Promise<CardLink> =>
  new Promise<CardLink>((resolve, reject) => {
    let address: net.NetConnectOpts
    try {
      address =
        "path" in target
          ? { path: target.path }
          : { host: loopbackHost(target.host), port: target.port ?? DEFAULT_PORT }
    } catch (error) {
      reject(error)
      return
    }
    const deadline = Date.now() + (options.retryFor ?? 0)
    const where = "path" in address ? String(address.path) : `${address.host}:${String(address.port)}`
    const attempt = () => {
      let socket: net.Socket
      try {
        socket = net.connect(address)
      } catch (error) {
        // `net.connect` throws at once on a port out of range or a path that is not a string
        reject(new VpcdError({ reason: "Connect", detail: `cannot reach vpcd at ${where}: ${describe(error)}` }))
        return
      }
      const onError = (error: NodeJS.ErrnoException) => {
        socket.destroy()
        if ((error.code === "ECONNREFUSED" || error.code === "ENOENT") && Date.now() < deadline) {
          setTimeout(attempt, 25)
          return
        }
        reject(new VpcdError({ reason: "Connect", detail: `cannot reach vpcd at ${where}: ${error.message}` }))
      }
      socket.once("error", onError)
      socket.once("connect", () => {
        socket.off("error", onError)
        resolve(link(socket, card, options))
      })
    }
    attempt()
  })

/** A reversed-mode slot: vpcd connects here. */
export interface Listener {
  readonly host: string
  readonly port: number
  /** The card that the next vpcd connection gets (the current connection keeps its card). */
  insert(card: SimulatedCard, options?: AttachOptions): void
  /** The current connection, if vpcd is connected. */
  readonly current: () => CardLink | undefined
  /**
   * The last error the listening socket reported after it started (an `accept` failing for want of file
   * descriptors, …), if any. Such an error leaves the listener running: the next connection may well succeed.
   */
  readonly lastError: () => VpcdError | undefined
  /** Closes the listener and the current connection. */
  close(): Promise<void>
}

/**
 * Listens on a loopback port for vpcd in reversed mode (`port` 0 picks a free one). A connection made while no
 * card is set is closed at once.
 */
export const listen = (
  card: SimulatedCard | undefined,
  options: { readonly host?: string; readonly port: number } & AttachOptions
): Promise<Listener> =>
  new Promise<Listener>((resolve, reject) => {
    let host: string
    try {
      host = loopbackHost(options.host)
    } catch (error) {
      reject(error)
      return
    }
    let next: { card: SimulatedCard; options: AttachOptions } | undefined =
      card === undefined ? undefined : { card, options }
    let current: CardLink | undefined
    const sockets = new Set<net.Socket>()
    const server = net.createServer((socket) => {
      sockets.add(socket)
      socket.once("close", () => sockets.delete(socket))
      if (next === undefined) {
        socket.destroy()
        return
      }
      current = link(socket, next.card, next.options)
    })
    let listening = false
    let lastError: VpcdError | undefined
    const failed = (error: unknown) => {
      const failure = new VpcdError({
        reason: "Listen",
        detail: `${listening ? "the listener" : "cannot listen"} on ${host}:${String(options.port)}: ${describe(error)}`
      })
      if (listening) lastError = failure
      else reject(failure)
    }
    // Kept for the listener's life: an 'error' event without a listener would end the whole process.
    server.on("error", failed)
    try {
      server.listen(options.port, host, () => {
        listening = true
        const address = server.address() as net.AddressInfo
        resolve({
          host,
          port: address.port,
          lastError: () => lastError,
          insert: (c, o = {}) => {
            next = { card: c, options: o }
          },
          current: () => (current?.session.closed() === false ? current : undefined),
          close: async () => {
            next = undefined
            const closing = [...sockets].map(
              (socket) => new Promise<void>((done) => (socket.destroyed ? done() : socket.once("close", () => done())))
            )
            for (const socket of sockets) socket.destroy()
            await Promise.all([...closing, new Promise<void>((done) => server.close(() => done()))])
          }
        })
      })
    } catch (error) {
      // `listen` throws at once on a port out of range
      failed(error)
    }
  })

/** {@link connect} for the current scope: the card is removed when the scope closes. */
export const connectScoped = (
  card: SimulatedCard,
  target: Target = {},
  options: ConnectOptions = {}
): Effect.Effect<CardLink, VpcdError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({ try: () => connect(card, target, options), catch: (error) => error as VpcdError }),
    (l) => Effect.promise(() => l.remove())
  )

/** {@link listen} for the current scope. */
export const listenScoped = (
  card: SimulatedCard | undefined,
  options: { readonly host?: string; readonly port: number } & AttachOptions
): Effect.Effect<Listener, VpcdError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({ try: () => listen(card, options), catch: (error) => error as VpcdError }),
    (l) => Effect.promise(() => l.close())
  )
