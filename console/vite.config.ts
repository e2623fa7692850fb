import { defineConfig } from "vite";
import vue from "@vitejs/plugin-vue";

// Served by OneWindow at /console (api/app.py); every asset is bundled, none from another host.
export default defineConfig({
  base: "/console/",
  plugins: [vue()],
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 2000 },
});
