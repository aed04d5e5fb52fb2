import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The dashboard is static: `dcrm start` serves dist/ with /config.json (the local deployment and endpoints).
// Relative asset paths, so it can be served from any folder.
export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 2_000 },
});
