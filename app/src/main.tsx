import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { WagmiProvider } from "wagmi";

import { App } from "./App.tsx";
import { loadRuntime } from "./runtime.ts";
import "./styles.css";
import { createWagmiConfig } from "./wallet/wagmiConfig.ts";
import { RuntimeContext } from "./wallet/useDcrm.ts";

const runtime = await loadRuntime();
const config = createWagmiConfig(runtime);
// Figures refresh when the page regains focus and every 15 s; a failed read is retried once.
const queryClient = new QueryClient({ defaultOptions: { queries: { retry: 1, refetchInterval: 15_000 } } });

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <RuntimeContext.Provider value={runtime}>
      <WagmiProvider config={config}>
        <QueryClientProvider client={queryClient}>
          <App />
        </QueryClientProvider>
      </WagmiProvider>
    </RuntimeContext.Provider>
  </StrictMode>,
);
