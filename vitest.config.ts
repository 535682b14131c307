import { defineConfig } from "vitest/config"

// One vitest project per package. Tests import the other packages' sources through the "@jpcard/source"
// export condition, so `npm test` needs no build first.
const packages = ["core", "codes", "sim", "verify", "transport-pcsc", "transport-webnfc", "cli"]

export default defineConfig({
  resolve: { conditions: ["@jpcard/source", "module", "import", "default"] },
  ssr: { resolve: { conditions: ["@jpcard/source", "module", "import", "node", "default"] } },
  test: {
    projects: packages.map((name) => ({
      extends: true,
      test: {
        name,
        root: `packages/${name}`,
        include: ["test/**/*.test.ts"],
        // transport-pcsc's end-to-end tests each start a private pcscd, and pcscd's socket is machine-wide: its
        // files run one after another.
        ...(name === "transport-pcsc" ? { fileParallelism: false } : {})
      }
    }))
  }
})
