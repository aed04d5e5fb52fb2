import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The dashboard is static: `dcrm start` serves dist/ with /config.json (the local deployment and endpoints).
// Relative asset paths, so it can be served from any folder.
//
// Chunks: each page is loaded when first opened (React.lazy in App.tsx); the libraries sit in chunks of their
// own that change less often than the app, so a browser keeps them cached across releases. The chart library
// and what only it uses load with the marketer's page alone. scripts/bundleBudget.mjs checks what the first
// page load costs. A group takes the modules it names and what they import that no earlier group took, so
// the chart library's group comes last.
const CHUNKS = [
  { name: "react", test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
  { name: "wallet", test: /node_modules[\\/](wagmi|@wagmi|@tanstack|viem|ox|abitype|@noble|@scure|@adraffy|mipd|zustand|use-sync-external-store|eventemitter3|isows|ws)[\\/]/ },
  { name: "charts", test: /node_modules[\\/](recharts|d3-[a-z-]+|victory-vendor|internmap|decimal\.js-light|@reduxjs|redux|redux-thunk|react-redux|reselect|immer|es-toolkit|tiny-invariant)[\\/]/ },
];

export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    rolldownOptions: {
      output: { codeSplitting: { groups: CHUNKS.map((chunk, i) => ({ ...chunk, priority: CHUNKS.length - i })) } },
    },
  },
});
