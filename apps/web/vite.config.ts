import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `pnpm --filter @oz/web dev` proxies the API (started with `pnpm start:api`); production is served by the API itself.
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { "/api": { target: process.env.OZ_API_ORIGIN ?? "http://localhost:8080", changeOrigin: false } },
  },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 600 },
});
